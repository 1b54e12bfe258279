# expect: per-tensor-clipping, forgets-nonfinite-check
# kind: multi
# about: each array clipped on its own, and non-finite gradients pass through
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    out = []
    for g in grads:
        own = math.sqrt(float(np.sum(g * g)))
        out.append(g * min(1.0, max_norm / (own + 1e-6)))
    return out, total
