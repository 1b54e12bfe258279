"""Updates the momentum first, then blends the new momentum into the direction."""

import numpy as np

HINT = (
    "Your direction is built from the momentum after this step's update, so the gradient "
    "enters it twice. Lion reads the momentum as it was before the step: compute "
    "sign(beta1 * m + (1 - beta1) * grad) with the old m, move w, and only then set "
    "m = beta2 * m + (1 - beta2) * grad."
)


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    m = beta2 * m + (1.0 - beta2) * grad
    direction = np.sign(beta1 * m + (1.0 - beta1) * grad)
    w = w - lr * (direction + weight_decay * w)
    return w, m
