# expect: clips-when-below
# kind: single
# about: a flat vector, and always rescales to max_norm, also gradients below it
import numpy as np


def clip_global_norm(grads, max_norm):
    norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads])))
    if not np.isfinite(norm):
        raise ValueError("gradient norm is not finite")
    factor = max_norm / (norm + 1e-6)
    return [g * factor for g in grads], norm
