"""Clips the gradients after optimizer.step(), when they have already been used."""

import torch

HINT = "Clip between loss.backward() and optimizer.step(): clipping afterwards changes nothing."


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    return loss.item(), grad_norm.item()
