# expect: pass
# kind: right
# about: keeps a copy of the old weight, steps, then subtracts the decay of the copy
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    old = w.copy()
    update = np.sign(beta1 * m + (1.0 - beta1) * grad)
    m = beta2 * m + (1.0 - beta2) * grad
    w = w - lr * update
    w = w - lr * weight_decay * old
    return w, m
