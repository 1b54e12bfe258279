# expect: coupled-decay, beta2-in-direction
# kind: multi
# about: the decay goes into the gradient, and the direction is blended with beta2
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    grad = grad + weight_decay * w
    direction = np.sign(beta2 * m + (1 - beta2) * grad)
    m = beta2 * m + (1 - beta2) * grad
    return w - lr * direction, m
