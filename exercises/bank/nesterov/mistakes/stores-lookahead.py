"""Carries the look-ahead to the next call instead of the moving average."""

import numpy as np

HINT = (
    "Your first step is right but your buffer is not: you return the look-ahead as m. The "
    "look-ahead is only used to move w; the buffer carried to the next call is the plain "
    "moving average beta * m + (1 - beta) * grad."
)


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1.0 - beta) * grad
    lookahead = beta * m + (1.0 - beta) * grad
    w = w - lr * lookahead
    return w, lookahead
