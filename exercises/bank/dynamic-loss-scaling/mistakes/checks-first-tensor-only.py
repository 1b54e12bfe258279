"""Looks for inf and NaN in the first gradient array only."""

import numpy as np

HINT = (
    "An overflow in any parameter's gradient went unnoticed when it was not in the first "
    "array, so the step was counted as clean. One inf anywhere spoils the whole update: check "
    "every entry of every array, and skip the step if any of them is inf or NaN."
)


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads[:1]:
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
            new_tracker = 0
    return unscaled, found_inf, new_scale, new_tracker
