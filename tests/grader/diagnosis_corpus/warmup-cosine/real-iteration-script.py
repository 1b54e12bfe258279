# expect: warmup-off-by-one, decay-length-off-by-one
# kind: real-style
# about: the get-lr function of small training scripts: ramp it / warmup, cosine up to total_steps
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr):
    it, decay_until = step, total_steps
    if it < warmup_steps:
        return peak_lr * it / warmup_steps
    if it > decay_until:
        return final_lr
    ratio = (it - warmup_steps) / (decay_until - warmup_steps)
    weight = 0.5 * (1.0 + math.cos(math.pi * ratio))
    return final_lr + weight * (peak_lr - final_lr)
