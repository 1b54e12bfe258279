# expect: pass
# kind: right
# about: accumulates squares with np.vdot in a loop and scales the arrays in place
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    squares = 0.0
    for g in grads:
        squares += float(np.vdot(g, g))
    norm = math.sqrt(squares)
    if math.isnan(norm) or math.isinf(norm):
        raise ValueError(f"non-finite gradient norm {norm}")
    scale = max_norm / (norm + 1e-6)
    if scale < 1.0:
        for g in grads:
            g *= scale
    return grads, norm
