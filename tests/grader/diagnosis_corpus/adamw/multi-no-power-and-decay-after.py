# expect: bias-correction-without-power, decay-after-update
# kind: multi
# about: corrects with 1 - beta, and decays the already-moved weight
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    w = w - lr * (m / (1 - beta1)) / (np.sqrt(v / (1 - beta2)) + eps)
    w = w - lr * weight_decay * w
    return w, m, v
