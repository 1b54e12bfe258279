# expect: pass
# kind: right
# about: a loop over coordinates with math.sqrt that writes into fresh arrays
import math

import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    new_w, new_m, new_v = np.zeros_like(w), np.zeros_like(m), np.zeros_like(v)
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    for k in range(w.size):
        new_m[k] = beta1 * m[k] + (1 - beta1) * grad[k]
        new_v[k] = beta2 * v[k] + (1 - beta2) * grad[k] * grad[k]
        update = (new_m[k] / c1) / (math.sqrt(new_v[k] / c2) + eps)
        new_w[k] = w[k] - lr * (update + weight_decay * w[k])
    return new_w, new_m, new_v
