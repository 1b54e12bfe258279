"""Clips each array by its own norm instead of one norm over all of them."""

import math

import numpy as np

HINT = (
    "Each array was scaled against its own norm, so a large tensor is shrunk while a small one "
    "is left alone and the combined gradient changes direction. Compute one norm over every "
    "entry of every array and multiply all of them by the same factor."
)


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    clipped = []
    for g in grads:
        own_norm = float(np.sqrt(np.sum(g * g)))
        clipped.append(g * min(1.0, max_norm / (own_norm + 1e-6)))
    return clipped, total_norm
