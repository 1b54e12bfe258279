"""Divides the gradient by its norm, so every step has length lr."""

import numpy as np

HINT = (
    "Every one of your steps has exactly length lr, whatever the gradient's size: you divided "
    "by the gradient norm. Plain gradient descent keeps the gradient's magnitude, so steps "
    "shrink as the slope flattens."
)


def sgd_step(w, grad, lr):
    return w - lr * grad / np.linalg.norm(grad)
