"""Averages the squared entries instead of adding them (an RMS, not an L2 norm)."""

import math

import numpy as np

HINT = (
    "Your norm is too small: you took the mean of the squared entries (a root mean square), "
    "which divides by the number of entries. The L2 norm adds the squares of every entry of "
    "every array, then takes the square root."
)


def clip_global_norm(grads, max_norm):
    squares = np.concatenate([np.ravel(g * g) for g in grads])
    total_norm = math.sqrt(float(np.mean(squares)))
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
