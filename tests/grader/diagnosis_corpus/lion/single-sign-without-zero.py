# expect: sign-without-zero
# kind: single
# about: np.copysign(1.0, c) as the sign, which never returns 0
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    c = beta1 * m + (1 - beta1) * grad
    w = w - lr * (np.copysign(1.0, c) + weight_decay * w)
    m = beta2 * m + (1 - beta2) * grad
    return w, m
