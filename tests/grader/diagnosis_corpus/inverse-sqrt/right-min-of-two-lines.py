# expect: pass
# kind: right
# about: one expression: the smaller of the warmup ramp and the decay curve, with a 1-based count
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    n = step + 1
    return peak_lr * min(n / warmup_steps, math.sqrt(warmup_steps / n))
