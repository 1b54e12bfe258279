"""Treats a direction of exactly zero as positive instead of leaving it at 0."""

import numpy as np

HINT = (
    "A weight whose blended direction is exactly zero (its gradient and momentum are both 0) "
    "moved by a full lr: your sign sends 0 to +1, as np.where(c >= 0, 1.0, -1.0) or "
    "np.copysign(1.0, c) do. The sign of 0 is 0, so such a weight only decays; np.sign (or "
    "torch.sign) gets this right."
)


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    direction = np.where(beta1 * m + (1.0 - beta1) * grad >= 0, 1.0, -1.0)
    w = w - lr * (direction + weight_decay * w)
    m = beta2 * m + (1.0 - beta2) * grad
    return w, m
