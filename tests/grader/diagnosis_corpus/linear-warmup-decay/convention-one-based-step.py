# expect: one-based-step
# kind: convention
# about: written for steps 1 to total_steps: ramp to step warmup_steps, final_lr at total_steps
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if 0 < step <= warmup_steps:
        return peak_lr * step / warmup_steps
    first_decay_step = warmup_steps + 1
    span = max(1, total_steps - first_decay_step)
    progress = max(0.0, min(1.0, (step - first_decay_step) / span))
    return peak_lr + (final_lr - peak_lr) * progress
