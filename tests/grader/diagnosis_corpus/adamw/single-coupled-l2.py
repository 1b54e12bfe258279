# expect: coupled-l2
# kind: single
# about: in place; folds weight_decay * w into a new gradient that feeds m and v
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    effective = grad + weight_decay * w
    m *= beta1
    m += (1 - beta1) * effective
    v *= beta2
    v += (1 - beta2) * effective**2
    w -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w, m, v
