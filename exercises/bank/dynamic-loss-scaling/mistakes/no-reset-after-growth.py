"""Grows the scale but does not reset the count of clean steps afterwards."""

import numpy as np

HINT = (
    "The scale grew at the right step, but the tracker you returned still counts the clean "
    "steps before the growth. The count starts again from 0 whenever the scale changes, so "
    "the next growth needs another growth_interval clean steps: reset it after growing too."
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
        new_tracker = 0
    else:
        new_tracker = growth_tracker + 1
        if new_tracker == growth_interval:
            new_scale = scale * growth_factor
    return unscaled, found_inf, new_scale, new_tracker
