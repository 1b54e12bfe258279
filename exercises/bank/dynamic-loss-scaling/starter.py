import numpy as np


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    """One step of dynamic loss scaling, as torch.amp.GradScaler does it.

    grads are the gradients of the scaled loss (a list of float64 arrays).
    Return (unscaled, found_inf, new_scale, new_tracker):
      unscaled     every array divided by scale (also when the step is skipped)
      found_inf    1.0 if any entry of any array is inf or NaN, else 0.0
      new_scale    scale * backoff_factor after an overflow; scale * growth_factor
                   when this clean step is the growth_interval-th in a row; else scale
      new_tracker  the number of clean steps in a row since the scale last changed
    """
    # 1. look for inf and NaN in every array
    # 2. unscale every array
    # 3. back off and reset the count, or count the clean step and grow at the interval
    unscaled = [np.copy(g) for g in grads]
    found_inf = 0.0
    return unscaled, found_inf, scale, growth_tracker
