"""Checks for growth before the overflow, so an overflowing step can still grow the scale."""

import numpy as np

HINT = (
    "When an overflow came on the step that would have completed growth_interval, your scale "
    "first grew and then backed off, ending at scale * growth_factor * backoff_factor instead "
    "of scale * backoff_factor. A step with inf or NaN is not a clean step: it must neither "
    "count towards growth nor grow the scale. Test for the overflow first, and count and grow "
    "only in its else branch."
)


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if not np.all(np.isfinite(g)):
            found_inf = 1.0
    unscaled = [g / scale for g in grads]
    new_scale, new_tracker = scale, growth_tracker + 1
    if new_tracker == growth_interval:
        new_scale = scale * growth_factor
        new_tracker = 0
    if found_inf:
        new_scale = new_scale * backoff_factor
        new_tracker = 0
    return unscaled, found_inf, new_scale, new_tracker
