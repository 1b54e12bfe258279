# expect: window-includes-current
# kind: single
# about: the rolling median is taken over the last `window` values up to and including step t
import numpy as np


def rolling_median(series, t, window):
    return np.median(series[t - window + 1 : t + 1])


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    diverged_at = -1
    for t in range(n):
        finite = np.isfinite(loss[t]) and np.isfinite(grad_norm[t])
        if not finite or (t > 0 and loss[t] > blowup * loss[:t].min()):
            diverged_at = t
            break
    end = n if diverged_at == -1 else diverged_at
    labels = np.zeros(n, dtype=int)
    labels[end:] = 3

    best, run = loss[0], 0
    for t in range(1, end):
        if loss[t] < (1 - plateau_tol) * best:
            best = loss[t]
            if run >= plateau_steps:
                labels[t - run : t] = 2
            run = 0
        else:
            run += 1
    if run >= plateau_steps:
        labels[end - run : end] = 2

    for t in range(window, end):
        if loss[t] > spike_ratio * rolling_median(loss, t, window):
            labels[t] = 1
        elif grad_norm[t] > spike_ratio * rolling_median(grad_norm, t, window):
            labels[t] = 1
    return labels, diverged_at
