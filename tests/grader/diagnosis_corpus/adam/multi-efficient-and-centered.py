# expect: efficient-form, centered-second-moment
# kind: multi
# about: the efficient form's step size with an uncorrected eps, and a centred v
import math

import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.square(grad - m)
    step_size = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - step_size * m / (np.sqrt(v) + eps), m, v
