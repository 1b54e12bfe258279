"""Divides by the bare norm, without the 1e-6 that torch adds to it."""

import math

import numpy as np

HINT = (
    "Your factor is max_norm / total_norm. The exercise follows torch.nn.utils.clip_grad_norm_, "
    "which divides by total_norm + 1e-6; the difference is largest when the norm is small. Use "
    "scale = min(1, max_norm / (total_norm + 1e-6))."
)


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    return [g * scale for g in grads], total_norm
