# expect: pass
# kind: right
# about: a loop over coordinates into fresh arrays
import numpy as np


def momentum_step(w, grad, m, lr, beta=0.9):
    new_w = np.empty_like(w)
    new_m = np.empty_like(m)
    for i in range(len(w)):
        new_m[i] = beta * m[i] + (1.0 - beta) * grad[i]
        new_w[i] = w[i] - lr * new_m[i]
    return new_w, new_m
