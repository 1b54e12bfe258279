"""Adds up the arrays' own norms instead of combining them as one vector."""

import math

import numpy as np

HINT = (
    "Your norm is too large whenever more than one array has a non-zero gradient: you added "
    "the norms of the arrays, as if their directions lined up. Treat all entries as one long "
    "vector: add the squares of every entry of every array, then take one square root (for "
    "per-array norms n_k, that is sqrt(sum of n_k**2))."
)


def clip_global_norm(grads, max_norm):
    total_norm = sum(math.sqrt(float(np.sum(g * g))) for g in grads)
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
