# expect: decay-ignores-warmup, decays-to-zero
# kind: multi
# about: the cosine is measured from step 0 and ends at 0
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    progress = min(step / max(1, total_steps - 1), 1.0)
    return peak_lr * 0.5 * (1.0 + math.cos(math.pi * progress))
