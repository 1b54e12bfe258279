# expect: raises-wrong-exception, clips-when-below
# kind: multi
# about: raises RuntimeError on a non-finite norm, and always rescales to max_norm
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if not math.isfinite(total_norm):
        raise RuntimeError(f"the total gradient norm is {total_norm}")
    scale = max_norm / (total_norm + 1e-6)
    return [g * scale for g in grads], total_norm
