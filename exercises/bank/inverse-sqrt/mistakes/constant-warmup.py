"""Holds peak_lr through warmup instead of climbing to it."""

import math

HINT = (
    "During warmup your rate is already at peak_lr: you hold it constant (as T5's "
    "inverse-square-root schedule does) instead of letting it climb. Warmup rises in a "
    "straight line, step s getting peak_lr * (s + 1) / warmup_steps, and reaches the peak "
    "only on step warmup_steps - 1."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr
    return peak_lr * math.sqrt(warmup_steps / (step + 1))
