"""Uses 0.9 and 0.1 whatever beta it is given."""

import numpy as np

HINT = (
    "You match the reference when beta = 0.9 and nowhere else: the beta you are given is "
    "ignored. Both weights of the average come from the argument: beta for the old buffer "
    "and 1 - beta for the new gradient."
)


def momentum_step(w, grad, m, lr, beta=0.9):
    m = 0.9 * m + 0.1 * grad
    w = w - lr * m
    return w, m
