# expect: warmup-off-by-one, decay-length-off-by-one, decays-to-zero, no-clamp
# kind: real-style
# about: a half-cycle cosine multiplier like scheduler helpers: from 0, to 0, unclamped
import math


def warmup_cosine(step, total_steps, warmup_steps, peak_lr, final_lr, num_cycles=0.5):
    def multiplier(current):
        if current < warmup_steps:
            return float(current) / float(max(1, warmup_steps))
        progress = float(current - warmup_steps) / float(max(1, total_steps - warmup_steps))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))

    return peak_lr * multiplier(step)
