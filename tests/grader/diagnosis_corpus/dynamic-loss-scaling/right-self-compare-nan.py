# expect: pass
# kind: right
# about: finds NaN with x != x and infinities with abs(x) == inf, and uses conditional expressions
import math

import numpy as np


def has_overflow(g):
    return bool(np.any(g != g)) or bool(np.any(np.abs(g) == math.inf))


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    overflow = any(has_overflow(g) for g in grads)
    unscaled = [np.divide(g, scale) for g in grads]
    clean_run = 0 if overflow else growth_tracker + 1
    grow = clean_run == growth_interval
    new_scale = scale * backoff_factor if overflow else (scale * growth_factor if grow else scale)
    new_tracker = 0 if grow else clean_run
    return unscaled, float(overflow), new_scale, new_tracker
