"""Blends the momentum and the gradient with beta2 instead of beta1."""

import numpy as np

HINT = (
    "Your update direction is blended with beta2, the slow rate of the momentum buffer, so "
    "it is the sign of the new momentum and reacts to the current gradient ten times less "
    "than Lion does. Lion uses two rates: beta1 for the direction, "
    "sign(beta1 * m + (1 - beta1) * grad), and beta2 only for the buffer it keeps."
)


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    direction = np.sign(beta2 * m + (1.0 - beta2) * grad)
    w = w - lr * (direction + weight_decay * w)
    m = beta2 * m + (1.0 - beta2) * grad
    return w, m
