# expect: efficient-form
# kind: single
# about: decays first, then one step size with both corrections and eps added to the raw sqrt(v)
import math

import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    w = (1.0 - lr * weight_decay) * w
    m = m * beta1 + grad * (1.0 - beta1)
    v = v * beta2 + grad * grad * (1.0 - beta2)
    step_size = lr * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
    return w - step_size * m / (np.sqrt(v) + eps), m, v
