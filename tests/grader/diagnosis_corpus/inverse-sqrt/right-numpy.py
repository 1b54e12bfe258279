# expect: pass
# kind: right
# about: numpy functions and np.where over both pieces, returned as a float
import numpy as np


def inverse_sqrt(step, warmup_steps, peak_lr):
    n = np.float64(step + 1)
    ramp = n / warmup_steps
    decay = np.sqrt(warmup_steps / n)
    return float(peak_lr * np.where(step < warmup_steps, ramp, decay))
