# expect: constant-warmup
# kind: single
# about: the min of the peak and the decay curve, so warmup holds peak_lr
def inverse_sqrt(step, warmup_steps, peak_lr):
    return peak_lr * min(1.0, (warmup_steps / (step + 1)) ** 0.5)
