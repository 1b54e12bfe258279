"""Never clears the gradients, so each step also adds up every earlier step's gradient."""

import torch

HINT = (
    "Accumulating means not clearing between micro-batches, but the gradients must still be "
    "cleared between optimizer steps. Without zero_grad() anywhere, step 2 uses the gradients "
    "of steps 1 and 2 together, and so on. Call optimizer.zero_grad() once per step, after "
    "optimizer.step()."
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
    return mean_loss, grad_norm.item()
