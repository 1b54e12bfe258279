# expect: raises-wrong-exception
# kind: single
# about: a flat vector, and a non-finite norm raises FloatingPointError instead of ValueError
import numpy as np


def clip_global_norm(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads])
    norm = float(np.sqrt(flat @ flat))
    if not np.isfinite(norm):
        raise FloatingPointError(f"gradient norm is {norm}")
    factor = min(1.0, max_norm / (norm + 1e-6))
    return [g * factor for g in grads], norm
