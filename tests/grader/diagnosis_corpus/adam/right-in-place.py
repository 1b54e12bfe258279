# expect: pass
# kind: right
# about: updates m, v and w in place with augmented assignments and np.square
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * np.square(grad)
    correction1 = 1 - beta1**t
    correction2 = 1 - beta2**t
    w -= lr * (m / correction1) / (np.sqrt(v / correction2) + eps)
    return w, m, v
