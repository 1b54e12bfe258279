"""Warmup uses step / warmup_steps, so it starts at zero and peaks one step late."""

import math

HINT = (
    "Your first learning rate is 0, so the first update does nothing, and warmup never quite "
    "reaches peak_lr. Steps count from 0: step 0 should get 1 / warmup_steps of the peak, "
    "and step warmup_steps - 1 the full peak."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    return peak_lr * math.sqrt(warmup_steps / (step + 1))
