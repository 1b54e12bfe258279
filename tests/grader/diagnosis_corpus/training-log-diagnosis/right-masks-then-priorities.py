# expect: pass
# kind: right
# about: builds a spike mask and a plateau mask first, then combines them with np.select
import numpy as np


def find_divergence(loss, grad_norm, blowup):
    lowest = np.inf
    for t in range(len(loss)):
        if not np.isfinite(loss[t]) or not np.isfinite(grad_norm[t]):
            return t
        if loss[t] > blowup * lowest:
            return t
        lowest = min(lowest, loss[t])
    return -1


def plateau_mask(loss, end, plateau_steps, plateau_tol):
    mask = np.zeros(len(loss), dtype=bool)
    best, run = loss[0], []
    for t in range(1, end):
        if loss[t] < (1 - plateau_tol) * best:
            best = loss[t]
            if len(run) >= plateau_steps:
                mask[run] = True
            run = []
        else:
            run.append(t)
    if len(run) >= plateau_steps:
        mask[run] = True
    return mask


def spike_mask(series, end, window, spike_ratio):
    mask = np.zeros(len(series), dtype=bool)
    for t in range(window, end):
        mask[t] = series[t] > spike_ratio * np.median(series[t - window : t])
    return mask


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    diverged_at = find_divergence(loss, grad_norm, blowup)
    end = len(loss) if diverged_at == -1 else diverged_at
    spikes = spike_mask(loss, end, window, spike_ratio) | spike_mask(
        grad_norm, end, window, spike_ratio
    )
    plateaus = plateau_mask(loss, end, plateau_steps, plateau_tol)
    broken = np.arange(len(loss)) >= end
    labels = np.select([broken, spikes, plateaus], [3, 1, 2], default=0)
    return labels.astype(float), np.int64(diverged_at)
