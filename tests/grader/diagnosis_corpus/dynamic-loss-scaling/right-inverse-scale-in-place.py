# expect: pass
# kind: right
# about: multiplies by 1 / scale in place and checks one concatenated array for non-finite values
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    flat = np.concatenate([g.ravel() for g in grads])
    found_inf = 0.0 if np.isfinite(flat).all() else 1.0
    inv_scale = 1.0 / scale
    for g in grads:
        g *= inv_scale
    if found_inf:
        return grads, found_inf, scale * backoff_factor, 0
    count = growth_tracker + 1
    if count == growth_interval:
        return grads, found_inf, scale * growth_factor, 0
    return grads, found_inf, scale, count
