"""Decays as peak_lr / sqrt(step + 1), without the warmup factor."""

import math

HINT = (
    "The moment warmup ends your rate falls off a cliff, to about peak_lr / sqrt(warmup_steps). "
    "The decay has to continue from the peak: scale 1 / sqrt(step + 1) by sqrt(warmup_steps) "
    "so that both pieces meet at peak_lr."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return peak_lr / math.sqrt(step + 1)
