"""Clears the gradients between backward() and step(), so the step sees none."""

import torch

HINT = (
    "zero_grad() runs after backward(), so it deletes the gradients you just computed: the "
    "norm comes out 0 and optimizer.step() skips every parameter. Clear the gradients at the "
    "start of the step, before the forward pass."
)


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.zero_grad()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                               error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
