# expect: no-reset-after-growth
# kind: single
# about: doubles the scale at the interval but forgets to start the count again
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0 if all(np.all(np.isfinite(g)) for g in grads) else 1.0
    unscaled = [g / scale for g in grads]
    if found_inf:
        return unscaled, found_inf, scale * backoff_factor, 0
    growth_tracker += 1
    if growth_tracker == growth_interval:
        scale = scale * growth_factor
    return unscaled, found_inf, scale, growth_tracker
