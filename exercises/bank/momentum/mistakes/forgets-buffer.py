"""Computes the new buffer but returns the old one, so no history is carried."""

import numpy as np

HINT = (
    "The m you return never changes, so every step starts again from an empty memory. Return "
    "the updated buffer along with w; it is fed back to you on the next call."
)


def momentum_step(w, grad, m, lr, beta=0.9):
    new_m = beta * m + (1.0 - beta) * grad
    w = w - lr * new_m
    return w, m
