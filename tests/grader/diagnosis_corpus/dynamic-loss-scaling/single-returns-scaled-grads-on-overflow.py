# expect: returns-scaled-grads-on-overflow
# kind: single
# about: returns early on an overflow, before the gradients are divided
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    for g in grads:
        if not np.all(np.isfinite(g)):
            return grads, 1.0, scale * backoff_factor, 0
    unscaled = [g / scale for g in grads]
    growth_tracker += 1
    if growth_tracker == growth_interval:
        return unscaled, 0.0, scale * growth_factor, 0
    return unscaled, 0.0, scale, growth_tracker
