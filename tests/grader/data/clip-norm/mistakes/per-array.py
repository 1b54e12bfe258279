"""Clips every array by its own norm instead of one global norm."""

import math

import numpy as np

HINT = "Clip by one norm taken over all arrays together, not array by array."


def clip_global_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total):
        raise ValueError("non-finite norm")
    clipped = []
    for g in grads:
        norm = float(np.sqrt(np.sum(g * g)))
        clipped.append(g * (max_norm / norm) if norm > max_norm else g.copy())
    return clipped, total
