"""Applies the weight decay to the weight that the sign step has already moved."""

import numpy as np

HINT = (
    "Your decay reads the weight after the sign step has moved it. Lion, like AdamW, shrinks "
    "the weight as it was before this step: compute lr * weight_decay * w from the old w (or "
    "decay first, then take the sign step)."
)


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    direction = np.sign(beta1 * m + (1.0 - beta1) * grad)
    w = w - lr * direction
    w = w - lr * weight_decay * w
    m = beta2 * m + (1.0 - beta2) * grad
    return w, m
