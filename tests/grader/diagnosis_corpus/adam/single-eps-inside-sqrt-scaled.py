# expect: eps-inside-sqrt
# kind: single
# about: folds the first correction into the rate, but puts eps under the square root
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.square(grad)
    rate = lr / (1 - beta1**t)
    w = w - rate * m / np.sqrt(v / (1 - beta2**t) + eps)
    return w, m, v
