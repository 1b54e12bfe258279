# expect: loss-only-finite-check
# kind: single
# about: stops at the first non-finite loss and never looks at the gradient norm for it
import math
import statistics


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    diverged_at = -1
    for t in range(n):
        if math.isnan(loss[t]) or math.isinf(loss[t]):
            diverged_at = t
            break
        if t and loss[t] > blowup * min(loss[:t]):
            diverged_at = t
            break
    end = n if diverged_at < 0 else diverged_at
    labels = [0] * end + [3] * (n - end)

    best, start = loss[0], None
    for t in range(1, end + 1):
        if t < end and loss[t] >= (1 - plateau_tol) * best:
            start = t if start is None else start
            continue
        if start is not None and t - start >= plateau_steps:
            labels[start:t] = [2] * (t - start)
        start = None
        if t < end:
            best = loss[t]

    for t in range(window, end):
        if loss[t] > spike_ratio * statistics.median(loss[t - window : t]):
            labels[t] = 1
        elif grad_norm[t] > spike_ratio * statistics.median(grad_norm[t - window : t]):
            labels[t] = 1
    return labels, diverged_at
