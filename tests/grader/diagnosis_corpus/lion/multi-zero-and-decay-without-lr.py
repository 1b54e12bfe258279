# expect: sign-without-zero, decay-without-lr
# kind: multi
# about: a sign that sends 0 to +1, and the decay not scaled by lr
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    c = beta1 * m + (1 - beta1) * grad
    direction = np.where(c >= 0, 1.0, -1.0)
    w = w - lr * direction - weight_decay * w
    m = beta2 * m + (1 - beta2) * grad
    return w, m
