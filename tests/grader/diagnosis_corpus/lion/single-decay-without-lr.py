# expect: decay-without-lr
# kind: single
# about: shrinks w by the factor 1 - weight_decay, then takes the sign step
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    c = beta1 * m + (1 - beta1) * grad
    w = w * (1 - weight_decay) - lr * np.sign(c)
    m = beta2 * m + (1 - beta2) * grad
    return w, m
