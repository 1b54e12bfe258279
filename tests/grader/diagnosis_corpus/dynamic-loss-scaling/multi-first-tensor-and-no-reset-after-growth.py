# expect: checks-first-tensor-only, no-reset-after-growth
# kind: multi
# about: checks only grads[0], and keeps counting after the scale has grown
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    first = grads[0]
    found_inf = 0.0 if np.all(np.isfinite(first)) else 1.0
    unscaled = [g / scale for g in grads]
    if found_inf:
        return unscaled, found_inf, scale * backoff_factor, 0
    growth_tracker += 1
    if growth_tracker == growth_interval:
        scale *= growth_factor
    return unscaled, found_inf, scale, growth_tracker
