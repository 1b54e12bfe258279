"""Returns the last micro-batch's loss instead of the mean over the whole batch."""

import torch

HINT = (
    "The weights are right, but the loss you return is that of the last micro-batch only, "
    "a noisy number from a fraction of the rows. Return the mean over every row of the step: "
    "add up each micro-batch's loss times its share of the rows (len(inputs) / total)."
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
    return loss.item(), grad_norm.item()
