# expect: no-eps
# kind: single
# about: divides max_norm by the bare norm (guarding only against zero)
import numpy as np


def clip_global_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    if not np.isfinite(total):
        raise ValueError("gradient norm is not finite")
    factor = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * factor for g in grads], total
