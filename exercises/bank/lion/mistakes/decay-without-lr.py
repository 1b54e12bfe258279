"""Subtracts weight_decay * w without multiplying the decay by lr."""

import numpy as np

HINT = (
    "Your weights shrink far too fast: each step removes weight_decay * w, as if lr were 1 for "
    "the decay. Lion's decay is scaled by the learning rate, lr * weight_decay * w, which is "
    "why its weight decay is set several times larger than AdamW's when its lr is smaller."
)


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    direction = np.sign(beta1 * m + (1.0 - beta1) * grad)
    w = w - lr * direction - weight_decay * w
    m = beta2 * m + (1.0 - beta2) * grad
    return w, m
