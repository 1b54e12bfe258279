# expect: hard-coded-factors, returns-scaled-grads-on-overflow
# kind: multi
# about: returns the raw gradients on an overflow and uses the literals 0.5 and 2.0
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    if any(not np.isfinite(g).all() for g in grads):
        return grads, 1.0, scale * 0.5, 0
    unscaled = [g / scale for g in grads]
    tracker = growth_tracker + 1
    if tracker == growth_interval:
        return unscaled, 0.0, scale * 2.0, 0
    return unscaled, 0.0, scale, tracker
