"""Decays with sqrt(warmup_steps / step), using step where step + 1 belongs."""

import math

HINT = (
    "Your decay is one step late: the first step after warmup is still exactly peak_lr, so "
    "the peak is held twice. Warmup and decay both use the 1-based count step + 1."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return peak_lr * math.sqrt(warmup_steps / step)
