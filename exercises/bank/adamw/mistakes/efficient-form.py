"""Folds both bias corrections into the step size, so eps is never corrected."""

import numpy as np

HINT = (
    "Your steps are right when gradients are large but too short when they are small or eps "
    "is large: you scaled lr by sqrt(1 - beta2**t) / (1 - beta1**t) and divided the raw m by "
    "sqrt(v) + eps, which in effect adds eps / sqrt(1 - beta2**t) instead of eps. Correct m "
    "and v first, then add eps to sqrt(v_hat)."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    step_size = lr * np.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
    w = w - step_size * m / (np.sqrt(v) + eps) - lr * weight_decay * w
    return w, m, v
