# expect: no-clamp, decays-to-zero
# kind: multi
# about: a cosine from peak_lr to 0 that rises again after the end
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps - 1)
    return peak_lr * 0.5 * (1.0 + math.cos(math.pi * progress))
