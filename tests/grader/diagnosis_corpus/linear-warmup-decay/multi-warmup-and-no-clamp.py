# expect: warmup-off-by-one, no-clamp
# kind: multi
# about: the ramp starts at 0, and the line goes on below final_lr
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps - 1)
    return peak_lr + (final_lr - peak_lr) * progress
