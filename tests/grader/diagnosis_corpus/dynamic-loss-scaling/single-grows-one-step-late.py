# expect: grows-one-step-late
# kind: single
# about: compares the count it was given, before adding this step, with the interval
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0 if all(np.all(np.isfinite(g)) for g in grads) else 1.0
    unscaled = [g / scale for g in grads]
    if found_inf:
        return unscaled, found_inf, scale * backoff_factor, 0
    if growth_tracker == growth_interval:
        return unscaled, found_inf, scale * growth_factor, 0
    return unscaled, found_inf, scale, growth_tracker + 1
