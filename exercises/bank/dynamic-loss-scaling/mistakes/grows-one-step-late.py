"""Grows the scale after growth_interval + 1 clean steps instead of growth_interval."""

import numpy as np

HINT = (
    "Your scale grows one clean step too late: it waits for the count to pass growth_interval "
    "(or compares the count from before this step). Count this clean step first, "
    "growth_tracker + 1, and grow as soon as that count equals growth_interval; with "
    "growth_interval = 1, every clean step grows the scale."
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
        if new_tracker > growth_interval:
            new_scale = scale * growth_factor
            new_tracker = 0
    return unscaled, found_inf, new_scale, new_tracker
