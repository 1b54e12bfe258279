# expect: loss-only-finite-check, mean-not-median
# kind: multi
# about: only a broken loss ends the run, and the spike baseline is the window's mean
import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    diverged_at = -1
    for t in range(n):
        if not np.isfinite(loss[t]) or (t > 0 and loss[t] > blowup * np.min(loss[:t])):
            diverged_at = t
            break
    end = n if diverged_at == -1 else diverged_at
    labels = np.zeros(n, dtype=int)
    labels[end:] = 3

    best, run = loss[0], 0
    for t in range(1, end + 1):
        if t < end and not loss[t] < (1 - plateau_tol) * best:
            run += 1
            continue
        if run >= plateau_steps:
            labels[t - run : t] = 2
        run = 0
        if t < end:
            best = loss[t]

    for t in range(window, end):
        if loss[t] > spike_ratio * np.mean(loss[t - window : t]):
            labels[t] = 1
        elif grad_norm[t] > spike_ratio * np.mean(grad_norm[t - window : t]):
            labels[t] = 1
    return labels, diverged_at
