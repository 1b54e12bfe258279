# expect: no-reset-after-growth
# kind: real-style
# about: grows when the clean-step count is a multiple of the window, and never resets the count
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    overflow = any(not np.isfinite(g).all() for g in grads)
    unscaled = [g / scale for g in grads]
    if overflow:
        return unscaled, 1.0, scale * backoff_factor, 0
    steps_since_overflow = growth_tracker + 1
    if steps_since_overflow % growth_interval == 0:
        scale = scale * growth_factor
    return unscaled, 0.0, scale, steps_since_overflow
