# expect: pass
# kind: right
# about: three explicit branches: warmup, the line, and final_lr once the line has ended
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps - 1)
    if step >= warmup_steps + span:
        return final_lr
    slope = (final_lr - peak_lr) / span
    return peak_lr + slope * (step - warmup_steps)
