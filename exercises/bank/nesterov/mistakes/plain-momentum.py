"""Steps with the buffer itself: ordinary momentum, no look-ahead."""

import numpy as np

HINT = (
    "Your buffer is right, but you step with m itself, which is plain momentum. Nesterov "
    "steps with the buffer as it would be after one more blend with the current gradient: "
    "beta times the new m plus (1 - beta) times the gradient."
)


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1.0 - beta) * grad
    lookahead = beta * m + (1.0 - beta) * grad
    w = w - lr * m
    return w, m
