import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return peak_lr * math.sqrt(warmup_steps / (step + 1))
