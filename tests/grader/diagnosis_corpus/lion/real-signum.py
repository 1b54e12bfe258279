# expect: beta2-in-direction
# kind: real-style
# about: the older Signum rule (sign of the updated momentum) with Lion's buffer rate
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    momentum = beta2 * m + (1.0 - beta2) * grad
    if weight_decay:
        w = w * (1.0 - lr * weight_decay)
    w = w - lr * np.sign(momentum)
    return w, momentum
