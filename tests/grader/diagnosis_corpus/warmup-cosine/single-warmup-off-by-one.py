# expect: warmup-off-by-one
# kind: single
# about: an end branch, and a ramp from step / warmup_steps
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    if step - warmup_steps >= decay_steps:
        return final_lr
    cosine = 0.5 * (1 + math.cos(math.pi * (step - warmup_steps) / decay_steps))
    return final_lr + (peak_lr - final_lr) * cosine
