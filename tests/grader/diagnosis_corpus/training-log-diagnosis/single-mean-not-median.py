# expect: mean-not-median
# kind: single
# about: a moving average of the previous window as the baseline, kept in plain Python
import math


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    loss, grad_norm = list(loss), list(grad_norm)
    n = len(loss)
    diverged_at, lowest = -1, math.inf
    for t in range(n):
        if not math.isfinite(loss[t]) or not math.isfinite(grad_norm[t]):
            diverged_at = t
            break
        if loss[t] > blowup * lowest:
            diverged_at = t
            break
        lowest = min(lowest, loss[t])
    end = n if diverged_at < 0 else diverged_at
    labels = [0] * end + [3] * (n - end)

    best, run = loss[0], []
    for t in range(1, end):
        if loss[t] < (1 - plateau_tol) * best:
            best = loss[t]
            if len(run) >= plateau_steps:
                for s in run:
                    labels[s] = 2
            run = []
        else:
            run.append(t)
    if len(run) >= plateau_steps:
        for s in run:
            labels[s] = 2

    for t in range(window, end):
        avg_loss = sum(loss[t - window : t]) / window
        avg_norm = sum(grad_norm[t - window : t]) / window
        if loss[t] > spike_ratio * avg_loss or grad_norm[t] > spike_ratio * avg_norm:
            labels[t] = 1
    return labels, diverged_at
