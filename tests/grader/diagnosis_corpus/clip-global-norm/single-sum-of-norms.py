# expect: sum-of-norms
# kind: single
# about: adds up np.linalg.norm of every array
import numpy as np


def clip_global_norm(grads, max_norm):
    total = float(sum(np.linalg.norm(g) for g in grads))
    if not np.isfinite(total):
        raise ValueError("non-finite gradient norm")
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], total
