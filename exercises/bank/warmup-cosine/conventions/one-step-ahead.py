"""Turns the 0-based step into a 1-based count, then uses the 0-based formulas on it."""

import math

NOTE = (
    "Every rate is the exercise's rate for the next step: step + 1 is fed to formulas that "
    "already add the 1 they need. It is the reference shifted one step ahead."
)


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    step = step + 1
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps) / decay_steps, 1.0)
    cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
    return final_lr + (peak_lr - final_lr) * cosine
