# expect: pass
# kind: right
# about: one flat vector with np.concatenate and np.linalg.norm, then scaled copies
import numpy as np


def clip_global_norm(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads])
    norm = float(np.linalg.norm(flat))
    if not np.isfinite(norm):
        raise ValueError("gradient norm is not finite")
    factor = min(1.0, max_norm / (norm + 1e-6))
    return [factor * g for g in grads], norm
