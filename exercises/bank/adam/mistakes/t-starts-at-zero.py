"""Bias correction uses t + 1, as if t counted from zero."""

import numpy as np

HINT = (
    "Your bias correction is one step ahead: t is already 1 on the first call, and you add "
    "one more. The first update is then smaller than lr. Use beta**t with t exactly as given."
)


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1 ** (t + 1))
    v_hat = v / (1.0 - beta2 ** (t + 1))
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v
