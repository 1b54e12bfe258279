"""Written for a step that counts from 1: warmup on steps 1 to W, decay from W + 1 to T."""

NOTE = (
    "The exercise's schedule with every step numbered from 1, so called with the 0-based step "
    "it is one step late: its step s is the reference's step s - 1 (its step 0 has no "
    "counterpart)."
)


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if warmup_steps and step <= warmup_steps:
        return peak_lr * step / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps - 1) / decay_steps, 1.0)
    return peak_lr + (final_lr - peak_lr) * progress
