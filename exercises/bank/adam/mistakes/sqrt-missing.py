"""Divides by v_hat itself instead of its square root."""

import numpy as np

HINT = (
    "You divide by v_hat, a squared quantity, so the step scales like 1 / gradient: huge "
    "where gradients are small, tiny where they are large. Divide by the square root of "
    "v_hat (plus eps) so the step is on the scale of lr."
)


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / (v_hat + eps)
    return w, m, v
