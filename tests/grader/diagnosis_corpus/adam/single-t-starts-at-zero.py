# expect: t-starts-at-zero
# kind: single
# about: turns t into a 1-based count once more (t + 1) before the bias correction
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    step = t + 1
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v
