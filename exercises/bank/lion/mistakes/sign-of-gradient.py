"""Steps along the sign of the gradient alone, leaving the momentum out of the direction."""

import numpy as np

HINT = (
    "Your steps follow the sign of this step's gradient only (signSGD), so they flip back and "
    "forth wherever the gradient does, although m is kept. Lion takes the sign of a blend, "
    "beta1 * m + (1 - beta1) * grad, so the momentum can hold the direction through a "
    "single opposing gradient."
)


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    direction = np.sign(grad)
    w = w - lr * (direction + weight_decay * w)
    m = beta2 * m + (1.0 - beta2) * grad
    return w, m
