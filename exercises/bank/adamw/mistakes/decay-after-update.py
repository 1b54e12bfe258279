"""Applies the weight decay to the weight that was already updated."""

import numpy as np

HINT = (
    "Your decay uses the already-updated weight. AdamW shrinks the weight as it was before "
    "this step: compute the decay term from the old w (or decay first, then take the Adam step)."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    w = w - lr * weight_decay * w
    return w, m, v
