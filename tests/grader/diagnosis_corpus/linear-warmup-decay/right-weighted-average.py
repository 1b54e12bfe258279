# expect: pass
# kind: right
# about: the decay as a weighted average (1 - p) * peak + p * final
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step + 1 <= warmup_steps:
        return (step + 1) * peak_lr / warmup_steps
    decay_steps = max(total_steps - warmup_steps - 1, 1)
    p = min(1.0, (step - warmup_steps) / decay_steps)
    return (1.0 - p) * peak_lr + p * final_lr
