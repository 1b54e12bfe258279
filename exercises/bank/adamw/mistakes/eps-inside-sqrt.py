"""Puts eps under the square root instead of adding it after."""

import numpy as np

HINT = (
    "eps sits inside your square root. The reference divides by sqrt(v_hat) + eps; with small "
    "gradients or a large eps the two differ a lot."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / np.sqrt(v_hat + eps) - lr * weight_decay * w
    return w, m, v
