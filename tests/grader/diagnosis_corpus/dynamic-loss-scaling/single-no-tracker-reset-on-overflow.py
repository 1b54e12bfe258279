# expect: no-tracker-reset-on-overflow
# kind: single
# about: halves the scale on an overflow but hands the old count back unchanged
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    overflow = any(not np.isfinite(g).all() for g in grads)
    unscaled = [g / scale for g in grads]
    tracker = growth_tracker
    if overflow:
        scale = scale * backoff_factor
    else:
        tracker += 1
        if tracker == growth_interval:
            scale = scale * growth_factor
            tracker = 0
    return unscaled, float(overflow), scale, tracker
