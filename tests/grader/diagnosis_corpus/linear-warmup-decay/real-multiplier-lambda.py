# expect: warmup-off-by-one, decays-to-zero, decay-length-off-by-one
# kind: real-style
# about: a multiplier as scheduler helpers write it: ramp from 0, line to 0 at total_steps
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    def multiplier(current):
        if current < warmup_steps:
            return float(current) / float(max(1, warmup_steps))
        remaining = float(total_steps - current)
        return max(0.0, remaining / float(max(1, total_steps - warmup_steps)))

    return peak_lr * multiplier(step)
