# expect: grows-despite-overflow
# kind: single
# about: counts and grows first, then backs off the grown scale when inf or NaN was seen
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if np.isnan(g).any() or np.isinf(g).any():
            found_inf = 1.0
    unscaled = [g / scale for g in grads]
    growth_tracker += 1
    if growth_tracker == growth_interval:
        scale *= growth_factor
        growth_tracker = 0
    if found_inf:
        scale *= backoff_factor
        growth_tracker = 0
    return unscaled, found_inf, scale, growth_tracker
