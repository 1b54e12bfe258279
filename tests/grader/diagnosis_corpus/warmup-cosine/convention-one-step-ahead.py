# expect: one-step-ahead
# kind: convention
# about: names the 1-based count and then uses it where the 0-based step belongs
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    count = step + 1
    if count + 1 <= warmup_steps:
        return peak_lr * (count + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps - 1)
    done = min(count - warmup_steps, decay_steps)
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * done / decay_steps))
