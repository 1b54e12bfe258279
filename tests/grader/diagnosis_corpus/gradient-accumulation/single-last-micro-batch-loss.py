# expect: last-micro-batch-loss
# kind: single
# about: accumulates the gradients correctly and returns the loss variable left by the loop
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    optimizer.zero_grad()
    rows = sum(inputs.shape[0] for inputs, _ in micro_batches)
    for inputs, targets in micro_batches:
        loss = loss_fn(model(inputs), targets)
        (loss * (inputs.shape[0] / rows)).backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
