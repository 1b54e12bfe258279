"""The same step taken by torch.amp.GradScaler on the CPU.

Each array becomes the .grad of a float64 parameter of a plain SGD optimizer.
The scaler is given the scale, factors, interval and count of clean steps
through load_state_dict, and then does what a training loop asks of it:
unscale_ (which finds inf and NaN), step (which skips the optimizer on an
overflow, seen here by a post-step hook) and update (which moves the scale).
"""

import torch


def loss_scale_step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval):
    params = []
    for g in grads:
        param = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
        param.grad = torch.tensor(g, dtype=torch.float64)
        params.append(param)
    optimizer = torch.optim.SGD(params, lr=0.0)
    stepped = []
    optimizer.register_step_post_hook(lambda opt, args, kwargs: stepped.append(True))

    scaler = torch.amp.GradScaler("cpu")
    scaler.load_state_dict(
        {
            "scale": scale,
            "growth_factor": growth_factor,
            "backoff_factor": backoff_factor,
            "growth_interval": growth_interval,
            "_growth_tracker": growth_tracker,
        }
    )
    scaler.scale(torch.zeros(()))  # creates the scale and tracker tensors, as scaling a loss does

    scaler.unscale_(optimizer)
    unscaled = [p.grad.numpy().copy() for p in params]
    scaler.step(optimizer)
    scaler.update()

    state = scaler.state_dict()
    found_inf = 0.0 if stepped else 1.0
    return unscaled, found_inf, state["scale"], state["_growth_tracker"]
