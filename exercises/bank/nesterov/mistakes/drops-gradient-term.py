"""Steps with beta * m only, leaving the current gradient out of the look-ahead."""

import numpy as np

HINT = (
    "Your steps are too short, by a factor close to beta early on: the look-ahead is "
    "missing the current gradient. It is beta times the new buffer plus (1 - beta) times "
    "the gradient you were just given."
)


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1.0 - beta) * grad
    lookahead = beta * m + (1.0 - beta) * grad
    w = w - lr * beta * m
    return w, m
