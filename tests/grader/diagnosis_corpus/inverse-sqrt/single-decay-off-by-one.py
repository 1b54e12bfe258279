# expect: decay-off-by-one
# kind: single
# about: the ramp counts from 1 but the decay divides by step itself
def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return peak_lr * (warmup_steps / step) ** 0.5
