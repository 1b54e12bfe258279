"""Ignores final_lr and decays all the way to zero."""

import math

HINT = (
    "Your schedule ends at 0 instead of final_lr. The cosine should move between peak_lr "
    "and final_lr: final_lr plus (peak_lr - final_lr) times the cosine factor."
)


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps) / decay_steps, 1.0)
    cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
    return peak_lr * cosine
