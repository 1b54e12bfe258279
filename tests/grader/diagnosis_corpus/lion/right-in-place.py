# expect: pass
# kind: right
# about: updates w and m in place, the decay first as a multiplication
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    direction = np.sign(beta1 * m + (1 - beta1) * grad)
    w *= 1 - lr * weight_decay
    w -= lr * direction
    m *= beta2
    m += (1 - beta2) * grad
    return w, m
