"""The same clipping done by torch.nn.utils.clip_grad_norm_.

Every array becomes the .grad of a float64 parameter; torch clips them in
place and returns the norm it measured before clipping. torch reports a
non-finite norm with RuntimeError, which is turned into the ValueError the
exercise asks for.
"""

import torch


def clip_global_norm(grads, max_norm):
    params = []
    for g in grads:
        param = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
        param.grad = torch.tensor(g, dtype=torch.float64)
        params.append(param)
    try:
        total_norm = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=2.0,
                                                    error_if_nonfinite=True)
    except RuntimeError as exc:
        raise ValueError(str(exc)) from None
    return [p.grad.numpy().copy() for p in params], float(total_norm)
