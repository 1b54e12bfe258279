# expect: plateau-needs-more-than-l
# kind: real-style
# about: ports a reduce-on-plateau scheduler: relative threshold, bad steps must exceed patience
import numpy as np


class PlateauDetector:
    def __init__(self, patience, threshold):
        self.patience = patience
        self.threshold = threshold
        self.best = np.inf
        self.num_bad_steps = 0

    def is_better(self, current):
        return current < self.best * (1.0 - self.threshold)

    def step(self, current):
        if self.is_better(current):
            self.best = current
            self.num_bad_steps = 0
        else:
            self.num_bad_steps += 1
        return self.num_bad_steps > self.patience


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    diverged_at = -1
    for t in range(n):
        if not (np.isfinite(loss[t]) and np.isfinite(grad_norm[t])):
            diverged_at = t
            break
        if t > 0 and loss[t] > blowup * np.min(loss[:t]):
            diverged_at = t
            break
    end = n if diverged_at == -1 else diverged_at
    labels = np.zeros(n, dtype=int)
    labels[end:] = 3

    detector = PlateauDetector(patience=plateau_steps, threshold=plateau_tol)
    for t in range(end):
        if detector.step(loss[t]):
            # the whole run of bad steps, back to its first one, is the plateau
            labels[t - detector.num_bad_steps + 1 : t + 1] = 2

    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1
    return labels, diverged_at
