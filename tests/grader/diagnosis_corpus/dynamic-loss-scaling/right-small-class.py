# expect: pass
# kind: right
# about: keeps the rule in a small scaler class and wraps it in the requested function
import numpy as np


class LossScaler:
    def __init__(self, scale, tracker, growth_factor, backoff_factor, interval):
        self.scale = scale
        self.tracker = tracker
        self.growth_factor = growth_factor
        self.backoff_factor = backoff_factor
        self.interval = interval

    def unscale(self, grads):
        bad = any(not np.all(np.isfinite(g)) for g in grads)
        return [g / self.scale for g in grads], bad

    def update(self, bad):
        if bad:
            self.scale *= self.backoff_factor
            self.tracker = 0
            return
        self.tracker += 1
        if self.tracker >= self.interval:
            self.scale *= self.growth_factor
            self.tracker = 0


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    scaler = LossScaler(scale, growth_tracker, growth_factor, backoff_factor, growth_interval)
    unscaled, bad = scaler.unscale(grads)
    scaler.update(bad)
    return unscaled, 1.0 if bad else 0.0, scaler.scale, scaler.tracker
