# expect: equal-weights
# kind: single
# about: divides every loss by the number of micro-batches, as for equal parts
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    accumulation_steps = len(micro_batches)
    optimizer.zero_grad()
    total_loss = 0.0
    for inputs, targets in micro_batches:
        loss = loss_fn(model(inputs), targets) / accumulation_steps
        loss.backward()
        total_loss += loss.item()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return total_loss, grad_norm.item()
