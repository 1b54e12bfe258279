# expect: misses-nan
# kind: real-style
# about: a scaler object whose overflow test is np.isinf(...).any(), so NaN gradients go through
import numpy as np


class DynamicScaler:
    def __init__(self, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
        self.scale = scale
        self.growth_tracker = growth_tracker
        self.growth_factor = growth_factor
        self.backoff_factor = backoff_factor
        self.growth_interval = growth_interval

    @staticmethod
    def overflowed(grads):
        return any(bool(np.isinf(g).any()) for g in grads)

    def step(self, grads):
        skip = self.overflowed(grads)
        grads = [g / self.scale for g in grads]
        if skip:
            self.scale *= self.backoff_factor
            self.growth_tracker = 0
        else:
            self.growth_tracker += 1
            if self.growth_tracker == self.growth_interval:
                self.scale *= self.growth_factor
                self.growth_tracker = 0
        return grads, skip


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    scaler = DynamicScaler(scale, growth_tracker, growth_factor, backoff_factor, growth_interval)
    unscaled, skip = scaler.step(grads)
    return unscaled, float(skip), scaler.scale, scaler.growth_tracker
