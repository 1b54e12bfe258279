# expect: centered-second-moment, t-starts-at-zero
# kind: multi
# about: in place; v tracks a variance, and the bias correction counts from t + 1
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * np.square(grad - m)
    count = t + 1
    w -= lr * (m / (1 - beta1**count)) / (np.sqrt(v / (1 - beta2**count)) + eps)
    return w, m, v
