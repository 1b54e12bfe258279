# expect: one-step-ahead
# kind: convention
# about: the min-of-two-lines form fed with step + 2, one more than the 1-based count it needs
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    n = step + 2
    return peak_lr * min(n / warmup_steps, math.sqrt(warmup_steps / n))
