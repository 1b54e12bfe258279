# expect: no-clamp
# kind: single
# about: the progress is never capped, so the cosine turns back up past the end
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return (step + 1) / warmup_steps * peak_lr
    decay_steps = max(1, total_steps - warmup_steps - 1)
    cosine = (1 + math.cos(math.pi * (step - warmup_steps) / decay_steps)) / 2
    return final_lr + cosine * (peak_lr - final_lr)
