"""Accumulates the raw gradient (m = beta * m + grad) instead of averaging it."""

import numpy as np

HINT = (
    "Your buffer grows to about 1 / (1 - beta) times the gradient: you add the whole gradient "
    "each step. That is the library 'velocity' convention. This exercise averages: the new "
    "gradient enters with weight (1 - beta), so the two weights sum to one."
)


def momentum_step(w, grad, m, lr, beta=0.9):
    m = beta * m + grad
    w = w - lr * m
    return w, m
