# expect: coupled-decay
# kind: single
# about: an L2 gradient g + wd * w feeds both the sign and the buffer
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    g = grad + weight_decay * w
    c = beta1 * m + (1 - beta1) * g
    m = beta2 * m + (1 - beta2) * g
    return w - lr * np.sign(c), m
