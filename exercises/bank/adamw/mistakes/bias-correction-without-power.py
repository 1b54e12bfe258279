"""Divides by 1 - beta instead of 1 - beta**t in the bias correction."""

import numpy as np

HINT = (
    "Your bias correction never fades: you divide m by (1 - beta1) and v by (1 - beta2) on "
    "every step, so after the first few steps m_hat is about 1 / (1 - beta1) times too large. "
    "The correction depends on the step count: divide by 1 - beta1**t and 1 - beta2**t."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1)
    v_hat = v / (1.0 - beta2)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps) - lr * weight_decay * w
    return w, m, v
