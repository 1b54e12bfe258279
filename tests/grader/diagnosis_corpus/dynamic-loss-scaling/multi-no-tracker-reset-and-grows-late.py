# expect: no-tracker-reset-on-overflow, grows-one-step-late
# kind: multi
# about: keeps the count through an overflow and grows only once the count passes the interval
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    overflow = not all(np.isfinite(g).all() for g in grads)
    unscaled = [g / scale for g in grads]
    tracker = growth_tracker
    if overflow:
        scale = scale * backoff_factor
    else:
        tracker = tracker + 1
        if tracker > growth_interval:
            scale = scale * growth_factor
            tracker = 0
    return unscaled, 1.0 if overflow else 0.0, scale, tracker
