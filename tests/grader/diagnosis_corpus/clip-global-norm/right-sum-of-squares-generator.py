# expect: pass
# kind: right
# about: np.sum over squared arrays in a generator, np.minimum for the factor, np.multiply
import numpy as np


def clip_global_norm(grads, max_norm):
    total_norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
    if np.isnan(total_norm) or np.isinf(total_norm):
        raise ValueError("cannot clip a NaN or infinite gradient")
    factor = np.minimum(1.0, max_norm / (total_norm + 1e-6))
    return [np.multiply(g, factor) for g in grads], float(total_norm)
