# expect: hard-coded-betas, eps-inside-sqrt
# kind: multi
# about: the betas are fixed at 0.9 and 0.999, and eps goes under the square root
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    beta1, beta2 = 0.9, 0.999
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w = w - lr * m_hat / np.sqrt(v_hat + eps)
    return w, m, v
