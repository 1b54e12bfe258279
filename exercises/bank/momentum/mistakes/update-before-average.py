"""Moves w with the old buffer, then updates the buffer."""

import numpy as np

HINT = (
    "On the first call your w does not move at all: you step with the buffer as it was "
    "before this gradient arrived. Blend the new gradient into m first, then step with the "
    "updated m."
)


def momentum_step(w, grad, m, lr, beta=0.9):
    w = w - lr * m
    m = beta * m + (1.0 - beta) * grad
    return w, m
