# expect: lowest-so-far-baseline
# kind: single
# about: keeps the lowest loss and gradient norm seen so far and compares each step with those
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
            if run >= plateau_steps:
                labels[t - run : t] = 2
            run = 0

    lowest_loss = np.minimum.accumulate(loss[:end])
    lowest_norm = np.minimum.accumulate(grad_norm[:end])
    for t in range(window, end):
        loss_jump = loss[t] > spike_ratio * lowest_loss[t - 1]
        norm_jump = grad_norm[t] > spike_ratio * lowest_norm[t - 1]
        if loss_jump or norm_jump:
            labels[t] = 1
    return labels, diverged_at
