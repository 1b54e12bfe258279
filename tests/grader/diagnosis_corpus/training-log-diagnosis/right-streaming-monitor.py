# expect: pass
# kind: right
# about: a monitor fed one step at a time, with deques for the windows and a remembered run start
from collections import deque

import numpy as np


class RunMonitor:
    def __init__(self, n, window, spike_ratio, blowup, plateau_steps, plateau_tol):
        self.labels = np.zeros(n, dtype=int)
        self.window, self.spike_ratio, self.blowup = window, spike_ratio, blowup
        self.plateau_steps, self.plateau_tol = plateau_steps, plateau_tol
        self.recent_loss = deque(maxlen=window)
        self.recent_norm = deque(maxlen=window)
        self.lowest = None
        self.best = None
        self.run_start = None
        self.diverged_at = -1

    def _close_run(self, t):
        if self.run_start is not None and t - self.run_start >= self.plateau_steps:
            for s in range(self.run_start, t):
                if self.labels[s] == 0:
                    self.labels[s] = 2
        self.run_start = None

    def step(self, t, loss, norm):
        broken = not (np.isfinite(loss) and np.isfinite(norm))
        if broken or (self.lowest is not None and loss > self.blowup * self.lowest):
            self._close_run(t)
            self.diverged_at = t
            self.labels[t:] = 3
            return False
        self.lowest = loss if self.lowest is None else min(self.lowest, loss)
        if self.best is None:
            self.best = loss
        elif loss < (1 - self.plateau_tol) * self.best:
            self.best = loss
            self._close_run(t)
        elif self.run_start is None:
            self.run_start = t
        if len(self.recent_loss) == self.window:
            if loss > self.spike_ratio * np.median(list(self.recent_loss)) or (
                norm > self.spike_ratio * np.median(list(self.recent_norm))
            ):
                self.labels[t] = 1
        self.recent_loss.append(loss)
        self.recent_norm.append(norm)
        return True


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    monitor = RunMonitor(len(loss), window, spike_ratio, blowup, plateau_steps, plateau_tol)
    for t in range(len(loss)):
        if not monitor.step(t, loss[t], grad_norm[t]):
            break
    else:
        monitor._close_run(len(loss))
    return monitor.labels, monitor.diverged_at
