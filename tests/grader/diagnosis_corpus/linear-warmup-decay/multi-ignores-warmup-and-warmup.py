# expect: decay-ignores-warmup, warmup-off-by-one
# kind: multi
# about: the ramp starts at 0, and the decay's progress counts from step 0
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = min(step / max(1, total_steps - 1), 1.0)
    return peak_lr + (final_lr - peak_lr) * progress
