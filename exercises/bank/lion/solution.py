import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    direction = np.sign(beta1 * m + (1.0 - beta1) * grad)
    w = w - lr * (direction + weight_decay * w)
    m = beta2 * m + (1.0 - beta2) * grad
    return w, m
