# expect: per-tensor-clipping
# kind: real-style
# about: clips every layer's gradient by its own norm, as Keras' clipnorm option does
import numpy as np


def clip_by_norm(tensor, clip_norm):
    l2 = np.sqrt(np.sum(tensor * tensor))
    return tensor * min(1.0, clip_norm / (l2 + 1e-6))


def clip_global_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    if not np.isfinite(global_norm):
        raise ValueError("gradient is not finite")
    return [clip_by_norm(g, max_norm) for g in grads], global_norm
