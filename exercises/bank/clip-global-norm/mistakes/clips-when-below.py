"""Rescales every gradient to max_norm, also those already below it."""

import math

import numpy as np

HINT = (
    "Gradients whose norm is already below max_norm were scaled up to it. Clipping only ever "
    "shrinks: cap the factor at 1, scale = min(1, max_norm / (total_norm + 1e-6))."
)


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    scale = max_norm / (total_norm + 1e-6)
    return [g * scale for g in grads], total_norm
