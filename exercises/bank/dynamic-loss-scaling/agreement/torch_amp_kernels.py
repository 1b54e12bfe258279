"""The same step made of the two kernels GradScaler is built on.

torch._amp_foreach_non_finite_check_and_unscale_ multiplies every tensor by
the inverse scale in place and sets found_inf when it meets inf or NaN;
torch._amp_update_scale_ then moves the scale and the count of clean steps in
place. The scale is a float32 tensor, as in GradScaler, and the inverse scale
is taken in float64 first, as GradScaler.unscale_ does.
"""

import torch


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    tensors = [torch.tensor(g, dtype=torch.float64) for g in grads]
    scale_t = torch.full((), scale, dtype=torch.float32)
    tracker_t = torch.full((), growth_tracker, dtype=torch.int32)
    found_inf = torch.zeros((), dtype=torch.float32)
    inv_scale = scale_t.double().reciprocal().float()

    torch._amp_foreach_non_finite_check_and_unscale_(tensors, found_inf, inv_scale)
    torch._amp_update_scale_(
        scale_t, tracker_t, found_inf, growth_factor, backoff_factor, growth_interval
    )
    return (
        [t.numpy().copy() for t in tensors],
        float(found_inf),
        float(scale_t),
        int(tracker_t),
    )
