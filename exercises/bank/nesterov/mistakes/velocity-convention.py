"""Uses the accumulating library form (m = beta * m + grad, step grad + beta * m)."""

import numpy as np

HINT = (
    "Your steps are about 1 / (1 - beta) times too large: you accumulate the whole gradient "
    "into m and step with grad + beta * m, as torch does with dampening 0. This exercise "
    "keeps m a moving average, with (1 - beta) on every gradient term, both in the buffer "
    "and in the look-ahead."
)


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m + grad
    lookahead = beta * m + grad
    w = w - lr * lookahead
    return w, m
