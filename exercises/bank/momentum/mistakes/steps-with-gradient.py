"""Updates the buffer but steps w with the raw gradient."""

import numpy as np

HINT = (
    "Your buffer is right but w moves exactly as plain gradient descent would: the step uses "
    "the current gradient. The whole point of momentum is to step with the averaged buffer m."
)


def momentum_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1.0 - beta) * grad
    w = w - lr * grad
    return w, m
