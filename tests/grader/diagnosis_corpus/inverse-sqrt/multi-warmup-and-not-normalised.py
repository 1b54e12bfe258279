# expect: warmup-off-by-one, decay-not-normalised
# kind: multi
# about: the ramp starts at 0, and the decay lacks the sqrt(warmup_steps) factor
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    return peak_lr / math.sqrt(step + 1)
