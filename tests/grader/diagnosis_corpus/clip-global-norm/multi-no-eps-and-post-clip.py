# expect: no-eps, post-clip-norm
# kind: multi
# about: no 1e-6 in the factor, and the norm is measured again after clipping
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(norm):
        raise ValueError(f"the total gradient norm is {norm}")
    if norm > max_norm:
        grads = [g * (max_norm / norm) for g in grads]
    return grads, math.sqrt(sum(float(np.sum(g * g)) for g in grads))
