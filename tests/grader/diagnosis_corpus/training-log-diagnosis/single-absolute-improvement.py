# expect: absolute-improvement
# kind: single
# about: counts a step as progress when the best loss drops by more than plateau_tol itself
import numpy as np


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

    best, patience = loss[0], 0
    for t in range(1, end):
        if best - loss[t] > plateau_tol:
            best = loss[t]
            if patience >= plateau_steps:
                labels[t - patience : t] = 2
            patience = 0
        else:
            patience += 1
    if patience >= plateau_steps:
        labels[end - patience : end] = 2

    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1
    return labels, diverged_at
