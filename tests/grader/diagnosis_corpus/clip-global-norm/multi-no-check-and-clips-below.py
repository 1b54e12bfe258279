# expect: forgets-nonfinite-check, clips-when-below
# kind: multi
# about: no finiteness check, and the factor is not capped at 1
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    scale = max_norm / (total_norm + 1e-6)
    return [g * scale for g in grads], total_norm
