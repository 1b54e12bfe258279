# expect: decay-length-off-by-one
# kind: single
# about: the weighted-average form, dividing by total_steps - warmup_steps
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    p = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    return (1.0 - p) * peak_lr + p * final_lr
