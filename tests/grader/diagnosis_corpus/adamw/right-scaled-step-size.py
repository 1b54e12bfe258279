# expect: pass
# kind: right
# about: torch's algebra: step size lr / bias1, denominator sqrt(v) / sqrt(bias2) + eps
import math

import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    decayed = (1.0 - lr * weight_decay) * w
    m = m * beta1 + grad * (1.0 - beta1)
    v = v * beta2 + grad * grad * (1.0 - beta2)
    denominator = np.sqrt(v) / math.sqrt(1.0 - beta2**t) + eps
    w = decayed - (lr / (1.0 - beta1**t)) * m / denominator
    return w, m, v
