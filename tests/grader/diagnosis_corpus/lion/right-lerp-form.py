# expect: pass
# kind: right
# about: both averages written as interpolations, m + (1 - beta) * (grad - m)
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    interpolated = m + (1 - beta1) * (grad - m)
    new_w = w - lr * np.sign(interpolated) - lr * weight_decay * w
    new_m = m + (1 - beta2) * (grad - m)
    return new_w, new_m
