# expect: post-clip-norm
# kind: single
# about: a flat-vector version that measures the norm again after scaling and returns that one
import numpy as np


def flat_norm(arrays):
    return float(np.linalg.norm(np.concatenate([a.ravel() for a in arrays])))


def clip_global_norm(grads, max_norm):
    norm = flat_norm(grads)
    if not np.isfinite(norm):
        raise ValueError("gradient norm is not finite")
    clipped = [g * min(1.0, max_norm / (norm + 1e-6)) for g in grads]
    return clipped, flat_norm(clipped)
