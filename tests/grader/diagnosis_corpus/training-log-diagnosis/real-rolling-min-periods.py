# expect: flags-before-window-full
# kind: real-style
# about: a rolling median helper with min_periods=1, shifted by one step, as dataframe code does
import numpy as np


def shifted_rolling_median(series, window, min_periods=1):
    """Median of the `window` values before each step; NaN with fewer than min_periods."""
    out = np.full(len(series), np.nan)
    for t in range(1, len(series)):
        values = series[max(0, t - window) : t]
        if len(values) >= min_periods:
            out[t] = np.median(values)
    return out


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

    loss_base = shifted_rolling_median(loss[:end], window)
    grad_base = shifted_rolling_median(grad_norm[:end], window)
    with np.errstate(invalid="ignore"):
        loss_spikes = loss[:end] > spike_ratio * loss_base
        grad_spikes = grad_norm[:end] > spike_ratio * grad_base
    spikes = loss_spikes | grad_spikes
    labels[:end][spikes] = 1
    return labels, diverged_at
