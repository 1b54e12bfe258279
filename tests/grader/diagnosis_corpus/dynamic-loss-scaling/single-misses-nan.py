# expect: misses-nan
# kind: single
# about: looks for abs(g) == inf only, which is False for NaN
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if (np.abs(g) == np.inf).any():
            found_inf = 1.0
            break
    unscaled = [g / scale for g in grads]
    if found_inf:
        return unscaled, found_inf, scale * backoff_factor, 0
    growth_tracker += 1
    if growth_tracker == growth_interval:
        scale *= growth_factor
        growth_tracker = 0
    return unscaled, found_inf, scale, growth_tracker
