# expect: pass
# kind: right
# about: writes the decay with powers (warmup_steps**0.5 * (step + 1)**-0.5) and the ramp as a slope
def inverse_sqrt(step, warmup_steps, peak_lr):
    if step >= warmup_steps:
        return peak_lr * warmup_steps**0.5 * (step + 1) ** -0.5
    slope = peak_lr / warmup_steps
    return slope * (step + 1)
