# expect: checks-first-tensor-only
# kind: single
# about: tests grads[0] for non-finite values, as if it were the whole gradient
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = float(not np.isfinite(grads[0]).all())
    unscaled = [g / scale for g in grads]
    if found_inf:
        new_scale, new_tracker = scale * backoff_factor, 0
    else:
        new_scale, new_tracker = scale, growth_tracker + 1
        if new_tracker == growth_interval:
            new_scale, new_tracker = scale * growth_factor, 0
    return unscaled, found_inf, new_scale, new_tracker
