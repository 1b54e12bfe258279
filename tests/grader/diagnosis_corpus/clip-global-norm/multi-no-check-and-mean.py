# expect: forgets-nonfinite-check, mean-not-sum-of-squares
# kind: multi
# about: a root mean square instead of the L2 norm, and no finiteness check
import numpy as np


def clip_global_norm(grads, max_norm):
    squares = np.concatenate([np.ravel(g) ** 2 for g in grads])
    rms = float(np.sqrt(squares.mean()))
    factor = min(1.0, max_norm / (rms + 1e-6))
    return [factor * g for g in grads], rms
