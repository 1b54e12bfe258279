"""Warmup uses step / warmup_steps, so it starts at zero and peaks one step late."""

HINT = (
    "Your first learning rate is 0, so the first update does nothing, and warmup reaches "
    "peak_lr one step too late. Steps count from 0: step 0 should get 1 / warmup_steps of "
    "the peak, and step warmup_steps - 1 the full peak."
)


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps) / decay_steps, 1.0)
    return peak_lr + (final_lr - peak_lr) * progress
