"""Keeps the line going past the end, below final_lr and eventually negative."""

HINT = (
    "Past the last planned step your rate keeps falling below final_lr (and would turn "
    "negative): the line never stops. Cap the progress at 1 so every later step returns "
    "final_lr."
)


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = (step - warmup_steps) / decay_steps
    return peak_lr + (final_lr - peak_lr) * progress
