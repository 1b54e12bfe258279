# expect: hard-coded-factors
# kind: single
# about: halves and doubles the scale with literals copied from GradScaler's defaults
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if not np.isfinite(g).all():
            found_inf = 1.0
    unscaled = [g / scale for g in grads]
    if found_inf:
        return unscaled, found_inf, scale / 2, 0
    tracker = growth_tracker + 1
    if tracker == growth_interval:
        return unscaled, found_inf, scale * 2, 0
    return unscaled, found_inf, scale, tracker
