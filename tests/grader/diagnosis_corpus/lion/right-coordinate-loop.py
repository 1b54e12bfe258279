# expect: pass
# kind: right
# about: a loop over coordinates with a hand-written sign that maps 0 to 0
import numpy as np


def _sign(x):
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return 0.0


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    new_w = np.empty_like(w)
    new_m = np.empty_like(m)
    for i in range(w.size):
        c = beta1 * m[i] + (1 - beta1) * grad[i]
        new_w[i] = w[i] - lr * _sign(c) - lr * weight_decay * w[i]
        new_m[i] = beta2 * m[i] + (1 - beta2) * grad[i]
    return new_w, new_m
