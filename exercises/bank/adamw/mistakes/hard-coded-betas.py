"""Uses 0.9 and 0.999 whatever beta1 and beta2 it is given."""

import numpy as np

HINT = (
    "You match the reference whenever beta1 = 0.9 and beta2 = 0.999, and nowhere else: the "
    "betas you are given are ignored. Use the beta1 and beta2 arguments everywhere, in the "
    "moving averages and in the bias correction."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    beta1, beta2 = 0.9, 0.999
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps) - lr * weight_decay * w
    return w, m, v
