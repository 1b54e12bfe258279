# expect: pass
# kind: right
# about: running minimum with np.minimum.accumulate, plateau runs found with itertools.groupby
import itertools

import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    loss = np.asarray(loss, dtype=float)
    grad_norm = np.asarray(grad_norm, dtype=float)
    n = loss.size

    finite = np.isfinite(loss) & np.isfinite(grad_norm)
    end = n if finite.all() else int(np.argmin(finite))
    if end > 1:
        lowest_before = np.minimum.accumulate(loss[: end - 1])
        jumped = np.flatnonzero(loss[1:end] > blowup * lowest_before)
        if jumped.size:
            end = int(jumped[0]) + 1
    diverged_at = -1 if end == n else end

    labels = np.zeros(n, dtype=int)
    labels[end:] = 3

    stalled = [False] * end
    best = loss[0]
    for t in range(1, end):
        if loss[t] < (1 - plateau_tol) * best:
            best = loss[t]
        else:
            stalled[t] = True
    t = 0
    for is_stalled, group in itertools.groupby(stalled):
        length = len(list(group))
        if is_stalled and length >= plateau_steps:
            labels[t : t + length] = 2
        t += length

    for t in range(window, end):
        if loss[t] > spike_ratio * np.median(loss[t - window : t]):
            labels[t] = 1
        elif grad_norm[t] > spike_ratio * np.median(grad_norm[t - window : t]):
            labels[t] = 1
    return labels, diverged_at
