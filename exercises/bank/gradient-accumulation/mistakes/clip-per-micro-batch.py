"""Clips the accumulated gradients after every micro-batch instead of once at the end."""

import torch

HINT = (
    "Clipping inside the loop rescales a partial sum: the first micro-batches are shrunk "
    "again and again, the later ones less, so the final gradient points the wrong way, and "
    "the norm you return is that of an already clipped sum. Clip once, after the last "
    "micro-batch's backward(), on the whole accumulated gradient."
)


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    total = sum(len(inputs) for inputs, _ in micro_batches)
    mean_loss = 0.0
    for inputs, targets in micro_batches:
        weight = len(inputs) / total
        loss = loss_fn(model(inputs), targets)
        (loss * weight).backward()
        mean_loss += loss.item() * weight
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                                   error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    optimizer.zero_grad()
    return mean_loss, grad_norm.item()
