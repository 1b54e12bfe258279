# expect: corrects-m-only, centered-second-moment
# kind: multi
# about: a centred v, and only m is bias-corrected
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad - m) * (grad - m)
    m_hat = m / (1 - beta1**t)
    w = w - lr * m_hat / (np.sqrt(v) + eps)
    return w, m, v
