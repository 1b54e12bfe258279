# expect: no-clamp
# kind: single
# about: a slope from peak_lr to final_lr that is followed past the end
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps - 1)
    slope = (final_lr - peak_lr) / span
    return peak_lr + slope * (step - warmup_steps)
