# expect: warmup-off-by-one
# kind: single
# about: three branches, with a ramp that starts at 0
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    span = max(1, total_steps - warmup_steps - 1)
    if step >= warmup_steps + span:
        return final_lr
    return peak_lr + (final_lr - peak_lr) * (step - warmup_steps) / span
