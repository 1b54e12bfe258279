# expect: pass
# kind: right
# about: names the 1-based count first and compares it with <= warmup_steps
def inverse_sqrt(step, warmup_steps, peak_lr):
    count = step + 1
    if count <= warmup_steps:
        return peak_lr * count / warmup_steps
    return peak_lr * (warmup_steps / count) ** 0.5
