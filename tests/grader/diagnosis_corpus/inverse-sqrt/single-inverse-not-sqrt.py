# expect: inverse-not-sqrt
# kind: single
# about: the min-of-two-lines form with 1 / n in place of 1 / sqrt(n)
def inverse_sqrt(step, warmup_steps, peak_lr):
    n = step + 1
    return peak_lr * min(n / warmup_steps, warmup_steps / n)
