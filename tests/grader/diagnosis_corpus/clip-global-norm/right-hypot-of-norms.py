# expect: pass
# kind: right
# about: combines the per-array norms with math.hypot and raises a ValueError subclass
import math

import numpy as np


class NonFiniteGradient(ValueError):
    pass


def clip_global_norm(grads, max_norm):
    total = math.hypot(*(float(np.linalg.norm(g)) for g in grads))
    if not math.isfinite(total):
        raise NonFiniteGradient(total)
    coefficient = max_norm / (total + 1e-6)
    clipped = [g * coefficient if coefficient < 1 else g.copy() for g in grads]
    return clipped, total
