# expect: coupled-l2
# kind: real-style
# about: the classic "Adam with weight_decay" of older libraries: decay added to the gradient
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    if weight_decay != 0:
        grad = grad + weight_decay * w
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    denom = np.sqrt(v / bias_correction2) + eps
    w = w - lr * (m / bias_correction1) / denom
    return w, m, v
