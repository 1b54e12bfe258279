# expect: no-clamp, decays-to-zero
# kind: multi
# about: aims at 0 instead of final_lr, and keeps going past the end into negative rates
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps - 1)
    return peak_lr * (1.0 - progress)
