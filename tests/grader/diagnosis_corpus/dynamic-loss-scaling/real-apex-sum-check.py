# expect: pass
# kind: real-style
# about: detects overflow from one float sum per tensor, inf or NaN, as apex-era loss scalers did
def _has_inf_or_nan(x):
    cpu_sum = float(x.sum())
    return cpu_sum in (float("inf"), -float("inf")) or cpu_sum != cpu_sum


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    overflow = False
    for g in grads:
        if _has_inf_or_nan(g):
            overflow = True
            break
    unscaled = [g * (1.0 / scale) for g in grads]
    if overflow:
        cur_scale = scale * backoff_factor
        good_steps = 0
    else:
        good_steps = growth_tracker + 1
        cur_scale = scale
        if good_steps == growth_interval:
            cur_scale = scale * growth_factor
            good_steps = 0
    return unscaled, float(overflow), cur_scale, good_steps
