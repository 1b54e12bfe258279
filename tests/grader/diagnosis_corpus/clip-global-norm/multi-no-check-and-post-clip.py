# expect: forgets-nonfinite-check, post-clip-norm
# kind: multi
# about: no finiteness check, and the norm returned is the clipped one
import numpy as np


def clip_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    clipped = [g * min(1.0, max_norm / (norm + 1e-6)) for g in grads]
    after = np.sqrt(sum(np.sum(c**2) for c in clipped))
    return clipped, float(after)
