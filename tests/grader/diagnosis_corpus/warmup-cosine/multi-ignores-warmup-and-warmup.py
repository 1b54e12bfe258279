# expect: decay-ignores-warmup, warmup-off-by-one
# kind: multi
# about: the ramp starts at 0, and the cosine is measured from step 0
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = min(step / max(1, total_steps - 1), 1.0)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))
