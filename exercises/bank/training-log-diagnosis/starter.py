import numpy as np


def diagnose_run(loss, grad_norm, window, spike_ratio, blowup, plateau_steps, plateau_tol):
    """Label every step of a logged run and find where it diverged.

    Return (labels, diverged_at): one label per step (0 normal, 1 spike, 2 plateau,
    3 diverged) and the first diverged step, or -1 when the run never diverged.
    """
    # 1. first divergence: loss or grad_norm not finite, or loss > blowup * lowest earlier loss
    # 2. plateaus: runs of at least plateau_steps steps that do not beat the best loss enough
    # 3. spikes: loss or grad_norm > spike_ratio * median of the `window` steps before
    labels = np.zeros(len(loss), dtype=np.int64)
    return labels, -1
