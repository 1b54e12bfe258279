def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps) / decay_steps, 1.0)
    return peak_lr + (final_lr - peak_lr) * progress
