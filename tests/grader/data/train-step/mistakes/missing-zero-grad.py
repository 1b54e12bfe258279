"""Never zeroes the gradients, so every step adds to the previous ones."""

import torch

HINT = "Call optimizer.zero_grad() before backward(): PyTorch accumulates gradients."


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
