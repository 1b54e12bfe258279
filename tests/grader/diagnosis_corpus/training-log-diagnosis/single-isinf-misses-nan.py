# expect: isinf-misses-nan
# kind: single
# about: treats only infinities as broken values, so a run that turns NaN is never caught
import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    blown = np.isinf(loss) | np.isinf(grad_norm)
    lowest_before = np.minimum.accumulate(loss)
    blown[1:] |= loss[1:] > blowup * lowest_before[:-1]
    hits = np.flatnonzero(blown)
    diverged_at = int(hits[0]) if hits.size else -1
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
        if loss[t] > spike_ratio * np.median(loss[t - window : t]):
            labels[t] = 1
        if grad_norm[t] > spike_ratio * np.median(grad_norm[t - window : t]):
            labels[t] = 1
    return labels, diverged_at
