# expect: sign-of-gradient
# kind: single
# about: keeps the buffer up to date but steps along np.sign(grad)
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    m_new = beta2 * m + (1 - beta2) * grad
    w_new = w - lr * weight_decay * w - lr * np.sign(grad)
    return w_new, m_new
