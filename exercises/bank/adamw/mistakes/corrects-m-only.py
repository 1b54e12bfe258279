"""Corrects the bias of m but steps with the raw, uncorrected v."""

import numpy as np

HINT = (
    "Your first steps are far larger than lr (about 30 times with beta2 = 0.999): m is "
    "bias-corrected but v is not, and v starts even further below its true size than m. "
    "Divide v by (1 - beta2**t) too before taking its square root."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    w = w - lr * m_hat / (np.sqrt(v) + eps) - lr * weight_decay * w
    return w, m, v
