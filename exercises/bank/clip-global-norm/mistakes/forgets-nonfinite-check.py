"""Clips NaN or infinite gradients instead of raising ValueError."""

import math

import numpy as np

HINT = (
    "With a NaN or inf anywhere, the norm is NaN or inf and no scale factor can repair the "
    "arrays: multiplying inf by a factor of 0 gives NaN, which then spreads into the weights. "
    "Check the norm with math.isfinite and raise ValueError before clipping."
)


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
