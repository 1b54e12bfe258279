# expect: corrects-m-only
# kind: single
# about: in place; only m is bias-corrected, the raw v goes into the denominator
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    w -= lr * (m / (1 - beta1**t)) / (np.sqrt(v) + eps)
    return w, m, v
