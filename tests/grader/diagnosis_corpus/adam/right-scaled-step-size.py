# expect: pass
# kind: right
# about: folds the first correction into the step size and divides sqrt(v) by sqrt(1 - beta2**t)
import math

import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = m * beta1 + grad * (1 - beta1)
    v = v * beta2 + grad**2 * (1 - beta2)
    step_size = lr / (1 - beta1**t)
    denominator = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
    return w - step_size * m / denominator, m, v
