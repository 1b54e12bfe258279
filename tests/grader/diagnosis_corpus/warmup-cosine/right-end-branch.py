# expect: pass
# kind: right
# about: returns final_lr in its own branch once the decay has ended, no min()
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return (step + 1) / warmup_steps * peak_lr
    decay_steps = max(1, total_steps - warmup_steps - 1)
    done = step - warmup_steps
    if done >= decay_steps:
        return final_lr
    cosine = (1 + math.cos(math.pi * done / decay_steps)) / 2
    return final_lr + cosine * (peak_lr - final_lr)
