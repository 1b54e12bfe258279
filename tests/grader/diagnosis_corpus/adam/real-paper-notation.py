# expect: pass
# kind: real-style
# about: the paper's Algorithm 1 in its own notation (alpha, m_t, v_t, theta)
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    alpha, theta_prev, g_t = lr, w, grad
    m_t = beta1 * m + (1 - beta1) * g_t
    v_t = beta2 * v + (1 - beta2) * np.power(g_t, 2)
    m_hat_t = m_t / (1 - np.power(beta1, t))
    v_hat_t = v_t / (1 - np.power(beta2, t))
    theta_t = theta_prev - alpha * m_hat_t / (np.sqrt(v_hat_t) + eps)
    return theta_t, m_t, v_t
