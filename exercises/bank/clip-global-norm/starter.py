import numpy as np


def clip_global_norm(grads, max_norm):
    """Clip a list of gradient arrays by their global L2 norm.

    Return (clipped, total_norm): the rescaled arrays, in the same order and
    shapes, and the norm measured BEFORE clipping. Raise ValueError when that
    norm is NaN or infinite.
    """
    # 1. one norm over every entry of every array
    # 2. refuse a norm that is not finite
    # 3. scale = min(1, max_norm / (total_norm + 1e-6)), the same factor for every array
    total_norm = 0.0
    return [np.copy(g) for g in grads], total_norm
