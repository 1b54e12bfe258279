# expect: sum-of-norms, post-clip-norm
# kind: multi
# about: the norms of the arrays are added up, and the norm returned is measured after clipping
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    total_norm = sum(math.sqrt(float(np.sum(g * g))) for g in grads)
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    clipped = [g * scale for g in grads]
    return clipped, math.sqrt(sum(float(np.sum(c * c)) for c in clipped))
