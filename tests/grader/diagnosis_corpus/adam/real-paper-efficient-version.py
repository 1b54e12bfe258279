# expect: efficient-form
# kind: real-style
# about: the paper's remark on efficiency: alpha_t takes both corrections, eps is left uncorrected
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m_t = beta1 * m + (1 - beta1) * grad
    v_t = beta2 * v + (1 - beta2) * grad**2
    alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    theta_t = w - alpha_t * m_t / (np.sqrt(v_t) + eps)
    return theta_t, m_t, v_t
