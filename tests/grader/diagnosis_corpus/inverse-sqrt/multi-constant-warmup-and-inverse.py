# expect: constant-warmup, inverse-not-sqrt
# kind: multi
# about: holds the peak through warmup, and the decay goes like 1 / step
def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr
    return peak_lr * warmup_steps / (step + 1)
