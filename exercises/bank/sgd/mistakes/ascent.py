"""Adds the gradient instead of subtracting it."""

import numpy as np

HINT = (
    "Your parameters move uphill: the loss grows every step. The gradient points in the "
    "direction of steepest increase, so a descent step goes the opposite way."
)


def sgd_step(w, grad, lr):
    return w + lr * grad
