# expect: blowup-vs-previous-step, best-follows-every-new-low
# kind: multi
# about: a blow-up is a jump over one step, and the best loss is simply the lowest so far
import math
import statistics


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    diverged_at = -1
    for t in range(n):
        if not (math.isfinite(loss[t]) and math.isfinite(grad_norm[t])):
            diverged_at = t
            break
        if t > 0 and loss[t] > blowup * loss[t - 1]:
            diverged_at = t
            break
    end = n if diverged_at < 0 else diverged_at
    labels = [0] * end + [3] * (n - end)

    best, run = loss[0], 0
    for t in range(1, end + 1):
        stalled = t < end and loss[t] >= (1 - plateau_tol) * best
        if t < end:
            best = min(best, loss[t])
        if stalled:
            run += 1
            continue
        if run >= plateau_steps:
            labels[t - run : t] = [2] * run
        run = 0

    for t in range(window, end):
        loss_median = statistics.median(loss[t - window : t])
        norm_median = statistics.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_median or grad_norm[t] > spike_ratio * norm_median:
            labels[t] = 1
    return labels, diverged_at
