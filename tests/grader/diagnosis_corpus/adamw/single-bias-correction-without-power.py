# expect: bias-correction-without-power
# kind: single
# about: decays first, then corrects with 1 - beta instead of 1 - beta**t
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    w = w * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1)
    v_hat = v / (1 - beta2)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
