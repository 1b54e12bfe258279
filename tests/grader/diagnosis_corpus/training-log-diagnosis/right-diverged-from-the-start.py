# expect: pass
# kind: right
# about: returns early for a log broken at step 0 and keeps one dict of thresholds
import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    labels = np.zeros(n, dtype=np.int64)
    if not (np.isfinite(loss[0]) and np.isfinite(grad_norm[0])):
        labels[:] = 3
        return labels, 0

    rules = {"k": window, "r": spike_ratio, "b": blowup, "L": plateau_steps, "tol": plateau_tol}
    end = n
    for t in range(1, n):
        healthy = np.isfinite(loss[t]) and np.isfinite(grad_norm[t])
        if not healthy or loss[t] > rules["b"] * loss[:t].min():
            end = t
            break
    labels[end:] = 3

    best, count = loss[0], 0
    for t in range(1, end):
        if loss[t] < best * (1 - rules["tol"]):
            best = loss[t]
            if count >= rules["L"]:
                labels[t - count : t] = 2
            count = 0
        else:
            count += 1
    if count >= rules["L"]:
        labels[end - count : end] = 2

    k = rules["k"]
    for t in range(k, end):
        base_loss = np.median(loss[t - k : t])
        base_norm = np.median(grad_norm[t - k : t])
        if loss[t] > rules["r"] * base_loss or grad_norm[t] > rules["r"] * base_norm:
            labels[t] = 1
    return labels, (end if end < n else -1)
