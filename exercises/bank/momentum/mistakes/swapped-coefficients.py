"""Gives the new gradient weight beta and the old buffer weight 1 - beta."""

import numpy as np

HINT = (
    "Your buffer barely remembers anything: the weights are swapped. beta belongs to the old "
    "buffer (the memory) and 1 - beta to the new gradient."
)


def momentum_step(w, grad, m, lr, beta=0.9):
    m = (1.0 - beta) * m + beta * grad
    w = w - lr * m
    return w, m
