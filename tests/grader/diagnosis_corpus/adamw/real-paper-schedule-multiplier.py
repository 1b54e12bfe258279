# expect: decay-without-lr
# kind: real-style
# about: the decoupled-decay paper's update with eta_t = 1: lambda is not scaled by lr
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    alpha, lam, eta_t = lr, weight_decay, 1.0
    theta = w
    m_t = beta1 * m + (1 - beta1) * grad
    v_t = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_t / (1 - beta1**t)
    v_hat = v_t / (1 - beta2**t)
    theta = theta - eta_t * (alpha * m_hat / (np.sqrt(v_hat) + eps) + lam * theta)
    return theta, m_t, v_t
