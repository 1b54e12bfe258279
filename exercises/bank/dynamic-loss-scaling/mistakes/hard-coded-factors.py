"""Uses GradScaler's default factors 0.5 and 2 instead of the arguments."""

import numpy as np

HINT = (
    "With growth_factor = 2 and backoff_factor = 0.5 your scale is right, with other factors "
    "it is not: you wrote torch's defaults into the function. Multiply by the backoff_factor "
    "and growth_factor you are given."
)


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    for g in grads:
        if not np.all(np.isfinite(g)):
            found_inf = 1.0
    unscaled = [g / scale for g in grads]
    new_scale, new_tracker = scale, growth_tracker
    if found_inf:
        new_scale = scale * 0.5
        new_tracker = 0
    else:
        new_tracker = growth_tracker + 1
        if new_tracker == growth_interval:
            new_scale = scale * 2.0
            new_tracker = 0
    return unscaled, found_inf, new_scale, new_tracker
