# expect: momentum-updated-first
# kind: single
# about: in place; m is updated at the top, then the direction reads the new m
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    m *= beta2
    m += (1 - beta2) * grad
    c = beta1 * m + (1 - beta1) * grad
    w -= lr * (np.sign(c) + weight_decay * w)
    return w, m
