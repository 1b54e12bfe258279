# expect: warmup-off-by-one, decay-length-off-by-one
# kind: multi
# about: the ramp starts at 0, and the decay is one step too long
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    fraction = min((step - warmup_steps) / max(1, total_steps - warmup_steps), 1.0)
    return peak_lr - (peak_lr - final_lr) * fraction
