"""Returns the norm measured after clipping instead of before."""

import math

import numpy as np

HINT = (
    "The arrays are right but the norm you return is the one left after clipping, which is "
    "never above max_norm. Return the norm measured before clipping: it is the number to log, "
    "and the only one that shows how large the spike was."
)


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    clipped = [g * scale for g in grads]
    return clipped, math.sqrt(sum(float(np.sum(c * c)) for c in clipped))
