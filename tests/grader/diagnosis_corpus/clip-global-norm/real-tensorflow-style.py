# expect: no-eps, forgets-nonfinite-check
# kind: real-style
# about: like tf.clip_by_global_norm: no 1e-6, and a non-finite norm gives NaNs, not an error
import numpy as np


def clip_global_norm(grads, max_norm):
    global_norm = np.sqrt(sum(np.sum(np.square(t)) for t in grads))
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = max_norm * min(1.0 / global_norm, 1.0 / max_norm)
    list_clipped = [t * scale for t in grads]
    return list_clipped, float(global_norm)
