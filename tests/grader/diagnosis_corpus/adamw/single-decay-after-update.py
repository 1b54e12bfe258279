# expect: decay-after-update
# kind: single
# about: in place; Adam step first, then w *= 1 - lr * weight_decay on the moved weight
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    w -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    w *= 1 - lr * weight_decay
    return w, m, v
