# expect: beta2-in-direction
# kind: single
# about: one blend computed once with beta2 serves as both the direction and the new buffer
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    blend = beta2 * m + (1 - beta2) * grad
    w = w * (1 - lr * weight_decay) - lr * np.sign(blend)
    return w, blend
