"""Counts the decay from the end of warmup instead of from the start of training."""

import math

HINT = (
    "Your rate drops much faster right after warmup: you restarted the step count at the end "
    "of warmup. The decay is peak_lr * sqrt(warmup_steps / (step + 1)) with step counted "
    "from the start of the run."
)


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return peak_lr / math.sqrt(step - warmup_steps + 1)
