# expect: efficient-form
# kind: single
# about: a coordinate loop with alpha_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t), eps uncorrected
import math

import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    w, m, v = np.array(w), np.array(m), np.array(v)
    alpha_t = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    for i in range(w.size):
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i]
        w[i] -= alpha_t * m[i] / (math.sqrt(v[i]) + eps)
    return w, m, v
