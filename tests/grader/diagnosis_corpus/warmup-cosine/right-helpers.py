# expect: pass
# kind: right
# about: separate helpers for the ramp, the progress and the cosine interpolation
import math


def ramp(step, warmup_steps, peak_lr):
    return peak_lr * (step + 1) / warmup_steps


def decay_progress(step, total_steps, warmup_steps):
    return min((step - warmup_steps) / max(1, total_steps - warmup_steps - 1), 1.0)


def cosine_between(high, low, progress):
    return low + (high - low) * 0.5 * (1.0 + math.cos(math.pi * progress))


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return ramp(step, warmup_steps, peak_lr)
    return cosine_between(peak_lr, final_lr, decay_progress(step, total_steps, warmup_steps))
