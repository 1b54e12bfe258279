# expect: corrects-m-only
# kind: single
# about: a direction helper that corrects m but not v
import numpy as np


def direction(m, v, t, beta1, eps):
    return (m / (1 - beta1**t)) / (np.sqrt(v) + eps)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return w - lr * direction(m, v, t, beta1, eps) - lr * weight_decay * w, m, v
