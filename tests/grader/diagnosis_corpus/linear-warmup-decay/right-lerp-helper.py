# expect: pass
# kind: right
# about: a lerp helper and a clamp helper for the decay
def lerp(start, end, fraction):
    return start + (end - start) * fraction


def clamp(x, low, high):
    return max(low, min(high, x))


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return lerp(0.0, peak_lr, (step + 1) / warmup_steps)
    length = max(1, total_steps - warmup_steps - 1)
    return lerp(peak_lr, final_lr, clamp((step - warmup_steps) / length, 0.0, 1.0))
