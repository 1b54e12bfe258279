"""Turns the 0-based step into a 1-based count, then uses the 0-based formulas on it."""

import math

NOTE = (
    "Every rate is the exercise's rate for the next step: step + 1 is fed to formulas that "
    "already add the 1 they need. It is the reference shifted one step ahead."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    step = step + 1
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return peak_lr * math.sqrt(warmup_steps / (step + 1))
