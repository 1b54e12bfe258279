# expect: returns-scaled-grads-on-overflow
# kind: real-style
# about: a loop-style helper that only unscales when the optimizer is going to step
import numpy as np


def grads_are_finite(grads):
    return all(np.isfinite(g).all() for g in grads)


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    if grads_are_finite(grads):
        grads = [g / scale for g in grads]
        growth_tracker += 1
        if growth_tracker == growth_interval:
            scale, growth_tracker = scale * growth_factor, 0
        return grads, 0.0, scale, growth_tracker
    # skip this step: the optimizer will not see these gradients
    return grads, 1.0, scale * backoff_factor, 0
