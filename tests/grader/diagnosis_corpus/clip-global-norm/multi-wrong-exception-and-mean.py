# expect: raises-wrong-exception, mean-not-sum-of-squares
# kind: multi
# about: a root mean square instead of the norm, and RuntimeError for a non-finite one
import math

import numpy as np


def clip_global_norm(grads, max_norm):
    squares = np.concatenate([np.ravel(g * g) for g in grads])
    total_norm = math.sqrt(float(np.mean(squares)))
    if not math.isfinite(total_norm):
        raise RuntimeError(f"the total gradient norm is {total_norm}")
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
