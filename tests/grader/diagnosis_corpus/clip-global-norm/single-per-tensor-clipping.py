# expect: per-tensor-clipping
# kind: single
# about: one loop measures each array, clips it against its own norm, and adds up the global norm
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    squares = 0.0
    clipped = []
    for g in grads:
        own = float(np.linalg.norm(g))
        squares += own * own
        clipped.append(g * min(1.0, max_norm / (own + 1e-6)))
    total = math.sqrt(squares)
    if not math.isfinite(total):
        raise ValueError("non-finite gradient")
    return clipped, total
