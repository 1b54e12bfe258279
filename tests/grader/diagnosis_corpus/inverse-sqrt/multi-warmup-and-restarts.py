# expect: warmup-off-by-one, decay-restarts-count
# kind: multi
# about: the ramp starts at 0, and the decay restarts its count after warmup
def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    return peak_lr * (step - warmup_steps + 1) ** -0.5
