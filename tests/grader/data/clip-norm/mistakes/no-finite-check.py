"""Lets NaN and infinite gradients through instead of raising ValueError."""

import math

import numpy as np

HINT = "A NaN or infinite norm means the step is broken: raise ValueError instead of clipping."


def clip_global_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    scale = max_norm / total if total > max_norm else 1.0
    return [g * scale for g in grads], total
