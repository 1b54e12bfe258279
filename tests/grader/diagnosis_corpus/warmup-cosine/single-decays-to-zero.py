# expect: decays-to-zero
# kind: single
# about: numpy version whose cosine runs from peak_lr down to 0
import numpy as np


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return float(peak_lr * (step + 1) / warmup_steps)
    progress = np.clip((step - warmup_steps) / max(1, total_steps - warmup_steps - 1), 0.0, 1.0)
    return float(peak_lr * (1.0 + np.cos(np.pi * progress)) / 2)
