"""Sets the learning rate after optimizer.step(), so every step uses the previous rate."""

import torch

HINT = "Set group['lr'] before optimizer.step(): the step reads the rate when it runs."


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    optimizer.step()
    for group in optimizer.param_groups:
        group["lr"] = lr
    return loss.item(), grad_norm.item()
