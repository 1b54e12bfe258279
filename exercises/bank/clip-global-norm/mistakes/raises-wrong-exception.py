"""Raises RuntimeError on a non-finite norm where ValueError is asked."""

import math

import numpy as np

HINT = (
    "You do stop on a NaN or infinite norm, but with the wrong exception: RuntimeError (what "
    "torch's clip_grad_norm_ raises with error_if_nonfinite=True) is not a ValueError, so a "
    "caller that catches ValueError never sees it. Raise ValueError, or a subclass of it."
)


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total_norm):
        raise RuntimeError(f"the total gradient norm is {total_norm}")
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
