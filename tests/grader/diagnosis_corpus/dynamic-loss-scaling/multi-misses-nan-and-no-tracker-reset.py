# expect: misses-nan, no-tracker-reset-on-overflow
# kind: multi
# about: np.isinf misses NaN, and an overflow halves the scale but leaves the count alone
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if np.isinf(g).any():
            found_inf = 1.0
    unscaled = [g / scale for g in grads]
    if found_inf:
        scale = scale * backoff_factor
    else:
        growth_tracker = growth_tracker + 1
        if growth_tracker == growth_interval:
            scale = scale * growth_factor
            growth_tracker = 0
    return unscaled, found_inf, scale, growth_tracker
