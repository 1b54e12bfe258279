"""Measures the decay from step 0, so the rate drops as soon as warmup ends."""

HINT = (
    "Right after warmup your rate is already below peak_lr: the decay line starts at step 0 "
    "as if there were no warmup. The decay starts at step warmup_steps, at the peak, and "
    "only has the remaining steps to come down."
)


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - 1)
    progress = min(step / decay_steps, 1.0)
    return peak_lr + (final_lr - peak_lr) * progress
