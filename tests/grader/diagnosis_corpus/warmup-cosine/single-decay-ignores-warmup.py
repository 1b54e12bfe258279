# expect: decay-ignores-warmup
# kind: single
# about: the cos-squared form with the progress counted from step 0
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    p = min(1.0, step / max(1, total_steps - 1))
    return final_lr + (peak_lr - final_lr) * math.cos(math.pi * p / 2) ** 2
