# expect: flags-before-window-full
# kind: single
# about: starts checking for spikes at step 1 with whatever part of the window exists
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

    for t in range(1, end):
        history = slice(max(0, t - window), t)
        if loss[t] > spike_ratio * np.median(loss[history]):
            labels[t] = 1
        if grad_norm[t] > spike_ratio * np.median(grad_norm[history]):
            labels[t] = 1
    return labels, diverged_at
