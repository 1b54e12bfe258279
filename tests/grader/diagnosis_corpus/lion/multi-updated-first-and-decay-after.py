# expect: momentum-updated-first, decay-after-update
# kind: multi
# about: in place; the buffer is updated first, and the decay reads the moved weight
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    m *= beta2
    m += (1 - beta2) * grad
    w -= lr * np.sign(beta1 * m + (1 - beta1) * grad)
    w -= lr * weight_decay * w
    return w, m
