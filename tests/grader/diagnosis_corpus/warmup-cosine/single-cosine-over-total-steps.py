# expect: cosine-over-total-steps
# kind: single
# about: helpers, with the progress measured against total_steps
import math


def progress_of(step, total_steps, warmup_steps):
    return min(1.0, (step - warmup_steps) / total_steps)


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    factor = 0.5 * (1.0 + math.cos(math.pi * progress_of(step, total_steps, warmup_steps)))
    return final_lr + (peak_lr - final_lr) * factor
