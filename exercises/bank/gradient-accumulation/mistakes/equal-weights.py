"""Divides every micro-batch's loss by the number of micro-batches, even when their sizes differ."""

import torch

HINT = (
    "Dividing by the number of micro-batches is right only when they are all the same size. "
    "When one is shorter, each of its rows counts for more than a row of the others, so the "
    "gradient and the loss are not the whole batch's mean. Weight each micro-batch by its "
    "share of the rows, len(inputs) / total, where total counts the rows of every "
    "micro-batch."
)


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    total = sum(len(inputs) for inputs, _ in micro_batches)
    mean_loss = 0.0
    for inputs, targets in micro_batches:
        weight = 1 / len(micro_batches)
        loss = loss_fn(model(inputs), targets)
        (loss * weight).backward()
        mean_loss += loss.item() * weight
    for group in optimizer.param_groups:
        group["lr"] = lr
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                               error_if_nonfinite=True)
    optimizer.step()
    optimizer.zero_grad()
    return mean_loss, grad_norm.item()
