# expect: pass
# kind: right
# about: in place; the decay term is taken from the old w before w changes
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    shrink = lr * weight_decay * w
    m *= beta1
    m += (1.0 - beta1) * grad
    v *= beta2
    v += (1.0 - beta2) * np.square(grad)
    adaptive = (m / (1.0 - beta1**t)) / (np.sqrt(v / (1.0 - beta2**t)) + eps)
    w -= lr * adaptive
    w -= shrink
    return w, m, v
