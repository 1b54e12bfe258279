"""Requires a run longer than plateau_steps instead of at least plateau_steps."""

import numpy as np

HINT = (
    "A run of exactly plateau_steps stalled steps already is a plateau. Keep the runs whose "
    "length is at least plateau_steps (run >= plateau_steps), not only the longer ones."
)


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)

    # 1. The first divergence: a value that is not finite, or a loss far above the lowest so far.
    diverged_at = -1
    for t in range(n):
        if not (np.isfinite(loss[t]) and np.isfinite(grad_norm[t])):
            diverged_at = t
            break
        if t > 0 and loss[t] > blowup * np.min(loss[:t]):
            diverged_at = t
            break
    end = n if diverged_at == -1 else diverged_at
    labels = np.zeros(n, dtype=np.int64)
    labels[end:] = 3

    # 2. Plateaus: runs of at least plateau_steps steps that do not beat the best loss.
    stalled = np.zeros(n, dtype=bool)
    best = loss[0]
    for t in range(1, end):
        if loss[t] < (1 - plateau_tol) * best:
            best = loss[t]
        else:
            stalled[t] = True
    run = 0
    for t in range(1, end + 1):
        if t < end and stalled[t]:
            run += 1
        else:
            if run > plateau_steps:
                labels[t - run : t] = 2
            run = 0

    # 3. Spikes: far above the median of the `window` steps before, in either series.
    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1

    return labels, diverged_at
