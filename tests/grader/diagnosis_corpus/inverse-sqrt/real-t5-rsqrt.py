# expect: constant-warmup
# kind: real-style
# about: T5-style rsqrt: the peak held through warmup, then 1 / sqrt(max(n, warmup))
def inverse_sqrt(step, warmup_steps, peak_lr):
    n = step + 1
    return peak_lr * (warmup_steps / max(n, warmup_steps)) ** 0.5
