"""Backs off the scale after an overflow but does not reset the count of clean steps."""

import numpy as np

HINT = (
    "After an overflow your count of clean steps kept its old value instead of starting again "
    "from 0, so the scale can grow again soon after an overflow. Growth needs growth_interval "
    "clean steps in a row since the last overflow: when you back off, set the tracker to 0 too."
)


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if not np.all(np.isfinite(g)):
            found_inf = 1.0
    unscaled = [g / scale for g in grads]
    new_scale, new_tracker = scale, growth_tracker
    if found_inf:
        new_scale = scale * backoff_factor
    else:
        new_tracker = growth_tracker + 1
        if new_tracker == growth_interval:
            new_scale = scale * growth_factor
            new_tracker = 0
    return unscaled, found_inf, new_scale, new_tracker
