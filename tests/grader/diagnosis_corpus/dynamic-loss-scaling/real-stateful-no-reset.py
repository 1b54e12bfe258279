# expect: no-tracker-reset-on-overflow
# kind: real-style
# about: a training-loop scaler that halves on overflow and only resets its counter when it grows
import numpy as np


class Scaler:
    def __init__(self, scale, good_steps):
        self.scale = scale
        self.good_steps = good_steps

    def update(self, overflow, growth_factor, backoff_factor, growth_interval):
        if overflow:
            self.scale *= backoff_factor
            return
        self.good_steps += 1
        if self.good_steps == growth_interval:
            self.scale *= growth_factor
            self.good_steps = 0


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    overflow = not all(np.isfinite(g).all() for g in grads)
    unscaled = [g / scale for g in grads]
    scaler = Scaler(scale, growth_tracker)
    scaler.update(overflow, growth_factor, backoff_factor, growth_interval)
    return unscaled, 1.0 if overflow else 0.0, scaler.scale, scaler.good_steps
