"""Adds the decay to the gradient (L2 inside Adam) instead of decoupling it."""

import numpy as np

HINT = (
    "You folded weight_decay * w into the gradient, so the decay passes through m and v and is "
    "rescaled per coordinate: that is Adam with L2, not AdamW. Keep the gradient as it is and "
    "subtract lr * weight_decay * w from the weight separately."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    grad = grad + weight_decay * w
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v
