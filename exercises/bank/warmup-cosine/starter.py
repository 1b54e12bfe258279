import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    """The learning rate for `step` (counted from 0)."""
    # 1. during warmup, climb linearly so that step warmup_steps - 1 reaches peak_lr
    # 2. afterwards, follow half a cosine from peak_lr down to final_lr, then stay there
    return peak_lr
