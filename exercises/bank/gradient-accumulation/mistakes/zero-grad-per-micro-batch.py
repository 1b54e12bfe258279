"""Clears the gradients at the start of every micro-batch, so only the last one counts."""

import torch

HINT = (
    "zero_grad() runs inside the loop, so each micro-batch wipes out the gradients the "
    "previous ones accumulated and the step uses only the last micro-batch's share. Clear "
    "the gradients once per optimizer step: after optimizer.step() (or before the loop), "
    "never between micro-batches."
)


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    total = sum(len(inputs) for inputs, _ in micro_batches)
    mean_loss = 0.0
    for inputs, targets in micro_batches:
        optimizer.zero_grad()
        weight = len(inputs) / total
        loss = loss_fn(model(inputs), targets)
        (loss * weight).backward()
        mean_loss += loss.item() * weight
    for group in optimizer.param_groups:
        group["lr"] = lr
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                               error_if_nonfinite=True)
    optimizer.step()
    return mean_loss, grad_norm.item()
