# expect: plateau-needs-more-than-l
# kind: single
# about: marks a stalled stretch only once it has gone on for more than plateau_steps steps
import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    diverged_at = -1
    lowest = loss[0]
    for t in range(n):
        if not np.isfinite(loss[t]) or not np.isfinite(grad_norm[t]):
            diverged_at = t
            break
        if t > 0 and loss[t] > blowup * lowest:
            diverged_at = t
            break
        lowest = min(lowest, loss[t])
    end = n if diverged_at == -1 else diverged_at
    labels = np.zeros(n, dtype=int)
    labels[end:] = 3

    best, first_stalled = loss[0], None
    for t in range(1, end + 1):
        improved = t == end or loss[t] < (1 - plateau_tol) * best
        if not improved:
            if first_stalled is None:
                first_stalled = t
            continue
        if first_stalled is not None and t - first_stalled > plateau_steps:
            labels[first_stalled:t] = 2
        first_stalled = None
        if t < end:
            best = loss[t]

    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1
    return labels, diverged_at
