"""Returns the norm after clipping instead of before."""

import math

import numpy as np

HINT = "Return the norm measured before clipping: it is what you log and monitor."


def clip_global_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total):
        raise ValueError("non-finite norm")
    scale = max_norm / total if total > max_norm else 1.0
    return [g * scale for g in grads], total * scale
