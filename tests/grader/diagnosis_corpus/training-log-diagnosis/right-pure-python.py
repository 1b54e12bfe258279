# expect: pass
# kind: right
# about: plain lists with math.isfinite and statistics.median, the labels returned as a list
import math
import statistics


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    loss = [float(v) for v in loss]
    grad_norm = [float(v) for v in grad_norm]
    n = len(loss)

    diverged_at = -1
    lowest = math.inf
    for t, (value, norm) in enumerate(zip(loss, grad_norm, strict=True)):
        if not (math.isfinite(value) and math.isfinite(norm)) or value > blowup * lowest:
            diverged_at = t
            break
        lowest = min(lowest, value)
    healthy = n if diverged_at < 0 else diverged_at
    labels = [0] * healthy + [3] * (n - healthy)

    best = loss[0]
    run_start = None
    for t in range(1, healthy + 1):
        if t < healthy and not loss[t] < (1 - plateau_tol) * best:
            if run_start is None:
                run_start = t
            continue
        if run_start is not None and t - run_start >= plateau_steps:
            for s in range(run_start, t):
                labels[s] = 2
        run_start = None
        if t < healthy:
            best = loss[t]

    for t in range(window, healthy):
        loss_median = statistics.median(loss[t - window : t])
        norm_median = statistics.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_median or grad_norm[t] > spike_ratio * norm_median:
            labels[t] = 1
    return labels, diverged_at
