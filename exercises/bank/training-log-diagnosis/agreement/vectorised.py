"""The same diagnosis written with whole-array numpy operations.

Running minima come from np.minimum.accumulate, the trailing medians from a
sliding window view, and plateaus from the edges of the runs of stalled steps.
Only the best-loss walk stays a loop: whether a step improves depends on every
improvement before it.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def first_divergence(loss, grad_norm, blowup):
    broken = ~(np.isfinite(loss) & np.isfinite(grad_norm))
    with np.errstate(invalid="ignore"):
        lowest_before = np.minimum.accumulate(loss)[:-1]
        broken[1:] |= loss[1:] > blowup * lowest_before
    hits = np.flatnonzero(broken)
    return int(hits[0]) if hits.size else -1


def stalled_steps(loss, end, plateau_tol):
    stalled = np.zeros(len(loss), dtype=bool)
    best = loss[0]
    for t in range(1, end):
        if loss[t] < (1 - plateau_tol) * best:
            best = loss[t]
        else:
            stalled[t] = True
    return stalled


def trailing_medians(series, window):
    """median(series[t - window : t]) for t = window .. len(series) - 1."""
    return np.median(sliding_window_view(series[:-1], window), axis=1)


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    loss = np.asarray(loss, dtype=np.float64)
    grad_norm = np.asarray(grad_norm, dtype=np.float64)
    n = len(loss)
    diverged_at = first_divergence(loss, grad_norm, blowup)
    end = n if diverged_at < 0 else diverged_at
    labels = np.zeros(n, dtype=np.int64)

    stalled = stalled_steps(loss, end, plateau_tol)
    edges = np.diff(np.concatenate([[0], stalled.astype(np.int8), [0]]))
    for first, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if stop - first >= plateau_steps:
            labels[first:stop] = 2

    if end > window:
        healthy_loss, healthy_grad = loss[: end], grad_norm[: end]
        spiking = (healthy_loss[window:] > spike_ratio * trailing_medians(healthy_loss, window)) | (
            healthy_grad[window:] > spike_ratio * trailing_medians(healthy_grad, window)
        )
        labels[window:end][spiking] = 1

    labels[end:] = 3
    return labels, diverged_at
