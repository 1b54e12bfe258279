# expect: sum-of-norms, no-eps
# kind: multi
# about: the arrays' norms added up, and the factor divides by the bare norm
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    total_norm = sum(math.sqrt(float(np.sum(g * g))) for g in grads)
    if not math.isfinite(total_norm):
        raise ValueError(f"the total gradient norm is {total_norm}")
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    return [g * scale for g in grads], total_norm
