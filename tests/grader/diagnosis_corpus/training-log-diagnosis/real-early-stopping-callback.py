# expect: absolute-improvement
# kind: real-style
# about: an early-stopping style callback whose min_delta is an absolute amount of loss
import numpy as np


class PlateauWatcher:
    """Counts the steps without an improvement of at least min_delta over the best loss."""

    def __init__(self, min_delta, patience):
        self.min_delta = min_delta
        self.patience = patience
        self.best = None
        self.wait = 0

    def update(self, value):
        """Return the length of the stalled run that just ended (0 if none ended)."""
        if self.best is None:
            self.best = value
            return 0
        if value < self.best - self.min_delta:
            self.best = value
            ended, self.wait = self.wait, 0
            return ended
        self.wait += 1
        return 0


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

    watcher = PlateauWatcher(min_delta=plateau_tol, patience=plateau_steps)
    for t in range(end):
        ended = watcher.update(loss[t])
        if ended >= watcher.patience:
            labels[t - ended : t] = 2
    if watcher.wait >= watcher.patience:
        labels[end - watcher.wait : end] = 2

    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1
    return labels, diverged_at
