"""Measures cosine progress against total_steps instead of the decay's own length."""

import math

HINT = (
    "Your cosine is stretched over the whole run, so at the last step it has not come down "
    "to final_lr yet. The decay only has the steps left after warmup: it lasts "
    "max(1, total_steps - warmup_steps - 1) steps."
)


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps) / total_steps, 1.0)
    cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
    return final_lr + (peak_lr - final_lr) * cosine
