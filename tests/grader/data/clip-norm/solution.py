import math

import numpy as np


def clip_global_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total):
        raise ValueError(f"the gradient norm is {total}")
    scale = max_norm / total if total > max_norm else 1.0
    return [g * scale for g in grads], total
