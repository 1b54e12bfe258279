# expect: decay-length-off-by-one
# kind: real-style
# about: a polynomial-decay helper (power 1) after warmup, over total_steps - warmup_steps steps
def polynomial_decay(step, initial, end, decay_steps, power=1.0):
    step = min(step, decay_steps)
    return (initial - end) * (1 - step / decay_steps) ** power + end


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    return polynomial_decay(step - warmup_steps, peak_lr, final_lr, total_steps - warmup_steps)
