import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    """The learning rate for `step` (counted from 0)."""
    # 1. during warmup, climb linearly so that step warmup_steps - 1 reaches peak_lr
    # 2. afterwards, decay in proportion to 1 / sqrt(step + 1)
    return peak_lr
