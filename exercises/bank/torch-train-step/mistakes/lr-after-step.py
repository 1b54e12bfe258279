"""Sets the learning rate after optimizer.step(), so each update uses the previous rate."""

import torch

HINT = (
    "optimizer.step() reads group[\"lr\"] when it runs. Setting the rate afterwards means every "
    "update uses the previous step's rate, and the first one uses the rate the optimizer was "
    "built with. Set the rate in every parameter group before calling step()."
)


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                               error_if_nonfinite=True)
    optimizer.step()
    for group in optimizer.param_groups:
        group["lr"] = lr
    return loss.item(), grad_norm.item()
