"""Lets the cosine run on past the end, so the rate climbs back up."""

import math

HINT = (
    "Up to the last planned step you are right, but past it your rate rises again: the "
    "cosine keeps turning. Cap the progress at 1 so every later step returns final_lr."
)


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = (step - warmup_steps) / decay_steps
    cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
    return final_lr + (peak_lr - final_lr) * cosine
