"""The micro-batches put back together and trained on in one ordinary step."""

import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    inputs = torch.cat([x for x, _ in micro_batches])
    targets = torch.cat([y for _, y in micro_batches])
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                               error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
