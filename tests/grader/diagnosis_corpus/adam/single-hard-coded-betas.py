# expect: hard-coded-betas
# kind: single
# about: module constants for the betas, used instead of the arguments
import numpy as np

BETA1 = 0.9
BETA2 = 0.999


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = BETA1 * m + (1 - BETA1) * grad
    v = BETA2 * v + (1 - BETA2) * grad**2
    m_hat = m / (1 - BETA1**t)
    v_hat = v / (1 - BETA2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
