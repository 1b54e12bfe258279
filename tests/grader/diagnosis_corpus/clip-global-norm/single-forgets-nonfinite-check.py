# expect: forgets-nonfinite-check
# kind: single
# about: in place and otherwise right, but never checks that the norm is finite
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    scale = min(1.0, max_norm / (norm + 1e-6))
    for g in grads:
        g *= scale
    return grads, norm
