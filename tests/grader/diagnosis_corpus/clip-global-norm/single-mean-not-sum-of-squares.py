# expect: mean-not-sum-of-squares
# kind: single
# about: divides the summed squares by the number of entries before the square root
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    count = sum(g.size for g in grads)
    norm = math.sqrt(sum(float(np.sum(g**2)) for g in grads) / count)
    if not math.isfinite(norm):
        raise ValueError("non-finite norm")
    scale = min(1.0, max_norm / (norm + 1e-6))
    return [scale * g for g in grads], norm
