# expect: flags-before-window-full, improvement-vs-previous-step
# kind: multi
# about: judges the first steps on a partial window and measures progress against the step before
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

    run = 0
    for t in range(1, end + 1):
        if t < end and not loss[t] < (1 - plateau_tol) * loss[t - 1]:
            run += 1
            continue
        if run >= plateau_steps:
            labels[t - run : t] = 2
        run = 0

    for t in range(1, end):
        start = max(0, t - window)
        loss_base = np.median(loss[start:t])
        grad_base = np.median(grad_norm[start:t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1
    return labels, diverged_at
