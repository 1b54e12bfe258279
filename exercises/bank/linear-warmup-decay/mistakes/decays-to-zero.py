"""Ignores final_lr and decays all the way to zero."""

HINT = (
    "Your schedule ends at 0 instead of final_lr. The straight line runs from peak_lr to "
    "final_lr, not to zero."
)


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps) / decay_steps, 1.0)
    return peak_lr * (1.0 - progress)
