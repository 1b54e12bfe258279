# expect: warmup-off-by-one, decays-to-zero
# kind: multi
# about: the ramp starts at 0, and the line ends at 0 instead of final_lr
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = min((step - warmup_steps) / max(1, total_steps - warmup_steps - 1), 1.0)
    return peak_lr * (1.0 - progress)
