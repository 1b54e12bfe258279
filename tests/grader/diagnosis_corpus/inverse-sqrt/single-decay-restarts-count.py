# expect: decay-restarts-count
# kind: single
# about: counts the decay steps from the end of warmup
import math


def inverse_sqrt(step, warmup_steps, peak_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    steps_since_warmup = step - warmup_steps + 1
    return peak_lr / math.sqrt(steps_since_warmup)
