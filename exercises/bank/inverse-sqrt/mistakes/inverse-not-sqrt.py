"""Decays like 1 / step instead of 1 / sqrt(step)."""

import math

HINT = (
    "Your rate falls much too fast after warmup: it shrinks in proportion to 1 / step. This "
    "schedule decays with the inverse square root, so doubling the step count divides the "
    "rate by sqrt(2), not by 2."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return peak_lr * warmup_steps / (step + 1)
