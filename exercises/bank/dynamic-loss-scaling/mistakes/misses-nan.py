"""Tests for infinities only, so a NaN gradient passes as finite."""

import numpy as np

HINT = (
    "A gradient holding NaN was treated as clean: np.isinf (or abs(g) == inf) is False for "
    "NaN, and NaN compares unequal to everything, itself included. An overflow in the backward "
    "pass often shows up as NaN (inf - inf, 0 * inf), so test with np.isfinite, which is "
    "False for inf, -inf and NaN alike."
)


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if np.any(np.isinf(g)):
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
