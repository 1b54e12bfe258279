"""Uses the raw moments m and v without dividing by 1 - beta**t."""

import numpy as np

HINT = (
    "Your first steps are the wrong size: m and v start at zero, so early on they underestimate "
    "the gradient statistics. Divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step."
)


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    w = w - lr * m / (np.sqrt(v) + eps) - lr * weight_decay * w
    return w, m, v
