# expect: decay-after-update, eps-inside-sqrt
# kind: multi
# about: eps under the square root, and the decay applied to the updated weight
import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w = w - lr * m_hat / np.sqrt(v_hat + eps)
    w = w - lr * weight_decay * w
    return w, m, v
