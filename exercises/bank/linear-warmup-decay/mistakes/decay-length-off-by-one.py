"""Divides by total_steps - warmup_steps, so the last step stops short of final_lr."""

HINT = (
    "Your last planned step (total_steps - 1) is still above final_lr: the decay is one step "
    "too long. It starts at step warmup_steps and must reach final_lr exactly at step "
    "total_steps - 1, which is total_steps - warmup_steps - 1 steps later."
)


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps)
    progress = min((step - warmup_steps) / decay_steps, 1.0)
    return peak_lr + (final_lr - peak_lr) * progress
