# expect: constant-warmup, decay-not-normalised
# kind: multi
# about: holds the peak through warmup, and the decay lacks the sqrt(warmup_steps) factor
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr
    return peak_lr / math.sqrt(step + 1)
