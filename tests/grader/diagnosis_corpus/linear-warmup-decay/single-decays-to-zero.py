# expect: decays-to-zero
# kind: single
# about: np.interp towards 0.0 instead of final_lr
import numpy as np


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    end = warmup_steps + max(1, total_steps - warmup_steps - 1)
    return float(np.interp(step, [warmup_steps, end], [peak_lr, 0.0]))
