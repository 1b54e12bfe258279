# expect: hard-coded-betas
# kind: single
# about: a coordinate loop that writes 0.9 and 0.999 where beta1 and beta2 belong
import math

import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    new_w, new_m, new_v = np.zeros_like(w), np.zeros_like(m), np.zeros_like(v)
    for k in range(w.size):
        new_m[k] = 0.9 * m[k] + 0.1 * grad[k]
        new_v[k] = 0.999 * v[k] + 0.001 * grad[k] ** 2
        update = (new_m[k] / (1 - 0.9**t)) / (math.sqrt(new_v[k] / (1 - 0.999**t)) + eps)
        new_w[k] = w[k] - lr * (update + weight_decay * w[k])
    return new_w, new_m, new_v
