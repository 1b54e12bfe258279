# expect: warmup-off-by-one
# kind: single
# about: the ramp is step / warmup_steps (0 at the first step); the decay is right
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step / warmup_steps)
    return peak_lr * math.sqrt(warmup_steps) / math.sqrt(step + 1)
