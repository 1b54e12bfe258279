# expect: one-based-step
# kind: real-style
# about: an update-count scheduler like fairseq's: linear from 0, then peak * sqrt(warmup / updates)
def inverse_sqrt(step, warmup_steps, peak_lr):
    warmup_init_lr = 0.0
    num_updates = step
    if num_updates < warmup_steps:
        lr_step = (peak_lr - warmup_init_lr) / warmup_steps
        return warmup_init_lr + num_updates * lr_step
    decay_factor = peak_lr * warmup_steps**0.5
    return decay_factor * num_updates**-0.5
