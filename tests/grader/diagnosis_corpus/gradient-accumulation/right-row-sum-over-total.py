# expect: pass
# kind: right
# about: turns each mean loss into a row sum and divides by the row count of the whole batch
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    num_rows = 0
    for inputs, _ in micro_batches:
        num_rows += len(inputs)
    summed = 0.0
    for inputs, targets in micro_batches:
        row_sum = loss_fn(model(inputs), targets) * len(inputs)
        (row_sum / num_rows).backward()
        summed += row_sum.item()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    optimizer.zero_grad()
    return summed / num_rows, grad_norm.item()
