"""Adds weight_decay * w to the gradient instead of decaying the weight directly."""

import numpy as np

HINT = (
    "You folded weight_decay * w into the gradient, so the decay enters the momentum and then "
    "disappears inside the sign: a small decay barely changes a sign. Lion decouples it, as "
    "AdamW does: keep the gradient as it is and subtract lr * weight_decay * w from the "
    "weight, next to lr * sign(...)."
)


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    grad = grad + weight_decay * w
    direction = np.sign(beta1 * m + (1.0 - beta1) * grad)
    w = w - lr * direction
    m = beta2 * m + (1.0 - beta2) * grad
    return w, m
