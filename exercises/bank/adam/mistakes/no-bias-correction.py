"""Steps with the raw moments m and v, without dividing by 1 - beta**t."""

import numpy as np

HINT = (
    "Your first steps have the wrong size: m and v start at zero, so in the first steps they "
    "are much smaller than the gradient statistics they estimate (and v more so than m). "
    "Divide m by (1 - beta1**t) and v by (1 - beta2**t) before taking the step."
)


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    w = w - lr * m / (np.sqrt(v) + eps)
    return w, m, v
