# expect: efficient-form, decay-without-lr
# kind: multi
# about: the efficient form's uncorrected eps, and a decay without lr
import math

import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    step_size = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - step_size * m / (np.sqrt(v) + eps) - weight_decay * w, m, v
