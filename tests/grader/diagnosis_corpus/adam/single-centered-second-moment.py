# expect: centered-second-moment
# kind: single
# about: in place; v averages the squared distance of the gradient from the new m
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    deviation = grad - m
    v *= beta2
    v += (1 - beta2) * deviation**2
    w -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w, m, v
