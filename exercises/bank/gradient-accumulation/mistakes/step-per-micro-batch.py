"""Clips, steps and clears inside the loop: one small update per micro-batch."""

import torch

HINT = (
    "Your loop takes an optimizer step after every micro-batch, so one call makes k small "
    "updates, each from one micro-batch's scaled-down gradient, instead of one update from "
    "their sum: the momentum or Adam state advances k times and the result is neither the "
    "large-batch step nor ordinary small-batch training. Only backward() belongs in the "
    "loop; clip, set the rate, step and clear once, after it."
)


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    total = sum(len(inputs) for inputs, _ in micro_batches)
    mean_loss = 0.0
    for inputs, targets in micro_batches:
        weight = len(inputs) / total
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
