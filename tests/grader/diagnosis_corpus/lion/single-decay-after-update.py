# expect: decay-after-update
# kind: single
# about: in place; the sign step first, then w *= 1 - lr * weight_decay on the moved weight
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    w -= lr * np.sign(beta1 * m + (1 - beta1) * grad)
    w *= 1 - lr * weight_decay
    m *= beta2
    m += (1 - beta2) * grad
    return w, m
