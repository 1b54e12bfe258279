# expect: pass
# kind: right
# about: np.clip, np.cos and np.pi, returned as a float
import numpy as np


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return float(peak_lr * (step + 1) / warmup_steps)
    length = np.maximum(1, total_steps - warmup_steps - 1)
    progress = np.clip((step - warmup_steps) / length, 0.0, 1.0)
    return float(final_lr + 0.5 * (peak_lr - final_lr) * (1.0 + np.cos(np.pi * progress)))
