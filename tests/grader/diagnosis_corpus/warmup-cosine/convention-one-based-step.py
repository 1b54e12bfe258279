# expect: one-based-step
# kind: convention
# about: helpers for steps numbered from 1: warmup on steps 1 to W, cosine from W + 1 to T
import math


def ramp(n, warmup_steps, peak_lr):
    return peak_lr * n / warmup_steps


def cosine(n, total_steps, warmup_steps, peak_lr, final_lr):
    span = max(1, total_steps - warmup_steps - 1)
    progress = min(1.0, (n - warmup_steps - 1) / span)
    return final_lr + (peak_lr - final_lr) * (1 + math.cos(math.pi * progress)) / 2


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    n = step
    if warmup_steps > 0 and n <= warmup_steps:
        return ramp(n, warmup_steps, peak_lr)
    return cosine(n, total_steps, warmup_steps, peak_lr, final_lr)
