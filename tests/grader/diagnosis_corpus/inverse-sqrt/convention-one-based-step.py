# expect: one-based-step
# kind: convention
# about: reads step as a 1-based count: ramp step / warmup_steps, decay sqrt(warmup_steps / step)
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    n = step
    if n < warmup_steps:
        return peak_lr * n / warmup_steps
    return peak_lr * math.sqrt(warmup_steps / n)
