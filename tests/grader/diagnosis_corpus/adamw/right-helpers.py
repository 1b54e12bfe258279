# expect: pass
# kind: right
# about: one helper returns Adam's direction and the moments; the decay is added by the caller
import numpy as np


def adam_direction(grad, m, v, t, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    direction = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return direction, m, v


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    direction, m, v = adam_direction(grad, m, v, t, beta1, beta2, eps)
    return w - lr * direction - lr * weight_decay * w, m, v
