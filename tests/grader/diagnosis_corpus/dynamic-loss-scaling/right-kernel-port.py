# expect: pass
# kind: right
# about: follows the shape of torch's update kernel: a 'successful' count compared with the interval
import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    found_inf = 0.0
    unscaled = []
    for grad in grads:
        if not np.isfinite(grad).all():
            found_inf = 1.0
        unscaled.append(grad / scale)

    current_scale = scale
    if found_inf > 0:
        current_scale = current_scale * backoff_factor
        growth_tracker = 0
    else:
        successful = growth_tracker + 1
        if successful == growth_interval:
            current_scale = current_scale * growth_factor
            growth_tracker = 0
        else:
            growth_tracker = successful
    return unscaled, found_inf, current_scale, growth_tracker
