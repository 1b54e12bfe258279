# expect: improvement-vs-previous-step
# kind: single
# about: a step counts as progress when it is lower than the step before by the relative margin
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

    stalled = np.zeros(n, dtype=bool)
    if end > 1:
        stalled[1:end] = ~(loss[1:end] < (1 - plateau_tol) * loss[: end - 1])
    run = 0
    for t in range(1, end + 1):
        if t < end and stalled[t]:
            run += 1
        else:
            if run >= plateau_steps:
                labels[t - run : t] = 2
            run = 0

    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1
    return labels, diverged_at
