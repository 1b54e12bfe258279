# expect: multiplies-by-scale, misses-nan
# kind: multi
# about: multiplies by the scale and only looks for infinities
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 1.0 if any(np.isinf(g).any() for g in grads) else 0.0
    unscaled = [g * scale for g in grads]
    if found_inf:
        return unscaled, found_inf, scale * backoff_factor, 0
    count = growth_tracker + 1
    if count == growth_interval:
        return unscaled, found_inf, scale * growth_factor, 0
    return unscaled, found_inf, scale, count
