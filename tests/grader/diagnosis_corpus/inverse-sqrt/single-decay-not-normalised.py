# expect: decay-not-normalised
# kind: single
# about: a 1-based count, and the decay is 1 / sqrt(count) without the sqrt(warmup_steps) factor
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    count = step + 1
    if count <= warmup_steps:
        return peak_lr * count / warmup_steps
    return peak_lr / math.sqrt(count)
