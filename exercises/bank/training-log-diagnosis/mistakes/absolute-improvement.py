"""Uses plateau_tol as an absolute margin instead of a relative one."""

import numpy as np

HINT = (
    "plateau_tol is a fraction of the best loss: an improvement counts when the loss falls "
    "below (1 - plateau_tol) * best. Subtracting plateau_tol itself asks for too much when "
    "the loss is small and too little when it is large."
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
        if loss[t] < best - plateau_tol:
            best = loss[t]
        else:
            stalled[t] = True
    run = 0
    for t in range(1, end + 1):
        if t < end and stalled[t]:
            run += 1
        else:
            if run >= plateau_steps:
                labels[t - run : t] = 2
            run = 0

    # 3. Spikes: far above the median of the `window` steps before, in either series.
    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1

    return labels, diverged_at
