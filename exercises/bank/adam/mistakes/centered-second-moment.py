"""Averages (grad - m)**2, a variance, instead of the squared gradient."""

import numpy as np

HINT = (
    "Your v tracks how far the gradient is from its mean, like a variance. Adam's second "
    "moment is uncentered: it averages the plain square of the gradient, with nothing "
    "subtracted."
)


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * (grad - m) ** 2
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v
