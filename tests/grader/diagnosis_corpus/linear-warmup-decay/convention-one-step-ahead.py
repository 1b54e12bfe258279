# expect: one-step-ahead
# kind: convention
# about: a rate_at helper for 0-based steps, called with step + 1
def rate_at(k, total_steps, warmup_steps, peak_lr, final_lr):
    if k < warmup_steps:
        return peak_lr * (k + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps - 1)
    return peak_lr + (final_lr - peak_lr) * min(1.0, (k - warmup_steps) / span)


def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    return rate_at(step + 1, total_steps, warmup_steps, peak_lr, final_lr)
