# expect: decay-after-update, no-bias-correction
# kind: multi
# about: raw moments in the step, then the decay from the moved weight
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.square(grad)
    moved = w - lr * m / (np.sqrt(v) + eps)
    return moved * (1 - lr * weight_decay), m, v
