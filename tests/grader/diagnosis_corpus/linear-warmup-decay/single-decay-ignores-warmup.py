# expect: decay-ignores-warmup
# kind: single
# about: a lerp helper, with the decay's progress measured from step 0
def lerp(start, end, fraction):
    return start + (end - start) * fraction


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    progress = min(1.0, step / max(1, total_steps - 1))
    return lerp(peak_lr, final_lr, progress)
