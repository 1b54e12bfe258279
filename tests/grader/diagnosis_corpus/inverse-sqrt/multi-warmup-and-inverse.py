# expect: warmup-off-by-one, inverse-not-sqrt
# kind: multi
# about: the ramp starts at 0, and the decay goes like 1 / step
def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    return peak_lr * warmup_steps / (step + 1)
