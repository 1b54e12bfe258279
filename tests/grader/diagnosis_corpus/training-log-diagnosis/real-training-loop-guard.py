# expect: loss-only-finite-check
# kind: real-style
# about: the usual training-loop guard, math.isnan(loss) or math.isinf(loss), used as the rule
import math

import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    n = len(loss)
    labels = np.zeros(n, dtype=int)
    diverged_at = -1
    best_so_far = math.inf
    for step, value in enumerate(loss):
        if math.isnan(value) or math.isinf(value):
            diverged_at = step
            break
        if value > blowup * best_so_far:
            diverged_at = step
            break
        best_so_far = min(best_so_far, value)
    end = n if diverged_at == -1 else diverged_at
    labels[end:] = 3

    best, run = loss[0], 0
    for t in range(1, end + 1):
        if t < end and not loss[t] < (1 - plateau_tol) * best:
            run += 1
            continue
        if run >= plateau_steps:
            labels[t - run : t] = 2
        run = 0
        if t < end:
            best = loss[t]

    for t in range(window, end):
        loss_base = np.median(loss[t - window : t])
        grad_base = np.median(grad_norm[t - window : t])
        if loss[t] > spike_ratio * loss_base or grad_norm[t] > spike_ratio * grad_base:
            labels[t] = 1
    return labels, diverged_at
