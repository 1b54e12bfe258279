# expect: multiplies-by-scale
# kind: single
# about: "unscales" with np.multiply, applying the scale a second time
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0 if all(np.isfinite(g).all() for g in grads) else 1.0
    unscaled = [np.multiply(g, scale) for g in grads]
    if found_inf:
        return unscaled, found_inf, scale * backoff_factor, 0
    tracker = growth_tracker + 1
    if tracker == growth_interval:
        return unscaled, found_inf, scale * growth_factor, 0
    return unscaled, found_inf, scale, tracker
