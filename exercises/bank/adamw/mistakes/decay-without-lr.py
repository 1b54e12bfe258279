"""Subtracts weight_decay * w, without multiplying the decay by lr."""

import numpy as np

HINT = (
    "Your weights shrink far too fast: each step removes weight_decay * w, as if lr were 1 "
    "for the decay. In AdamW the decay is scaled by the learning rate too, lr * weight_decay "
    "* w, so a schedule that lowers lr also lowers the decay."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps) - weight_decay * w
    return w, m, v
