"""Backpropagates each micro-batch's loss without scaling it by the micro-batch's share."""

import torch

HINT = (
    "backward() adds every micro-batch's gradient into p.grad, so without scaling the sum is "
    "about k times the gradient of the whole batch (k micro-batches): the norm you return is "
    "k times too large and the step follows a gradient k times too long. Multiply each "
    "micro-batch's loss by its share of the rows (len(inputs) / total; 1/k for equal parts) "
    "before calling backward()."
)


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    total = sum(len(inputs) for inputs, _ in micro_batches)
    mean_loss = 0.0
    for inputs, targets in micro_batches:
        weight = len(inputs) / total
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        mean_loss += loss.item() * weight
    for group in optimizer.param_groups:
        group["lr"] = lr
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                               error_if_nonfinite=True)
    optimizer.step()
    optimizer.zero_grad()
    return mean_loss, grad_norm.item()
