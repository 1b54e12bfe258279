# expect: pass
# kind: right
# about: walks over the coordinates one by one with math.sqrt, on copies of the arrays
import math

import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    w_out, m_out, v_out = np.array(w), np.array(m), np.array(v)
    for index in np.ndindex(w.shape):
        g = grad[index]
        first = beta1 * m[index] + (1 - beta1) * g
        second = beta2 * v[index] + (1 - beta2) * g * g
        m_out[index] = first
        v_out[index] = second
        first_hat = first / (1 - beta1**t)
        second_hat = second / (1 - beta2**t)
        w_out[index] = w[index] - lr * first_hat / (math.sqrt(second_hat) + eps)
    return w_out, m_out, v_out
