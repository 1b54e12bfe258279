# expect: blowup-vs-previous-step
# kind: single
# about: calls it a divergence only when the loss jumps by blowup over a single step
import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    bad = ~(np.isfinite(loss) & np.isfinite(grad_norm))
    with np.errstate(invalid="ignore"):
        bad[1:] |= loss[1:] / loss[:-1] > blowup
    diverged_at = int(np.argmax(bad)) if bad.any() else -1
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

    for t in range(window, end):
        recent_loss = np.median(loss[t - window : t])
        recent_norm = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * recent_loss or grad_norm[t] > spike_ratio * recent_norm:
            labels[t] = 1
    return labels, diverged_at
