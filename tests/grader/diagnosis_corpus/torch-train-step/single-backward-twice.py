# expect: backward-twice
# kind: single
# about: a loop that runs the forward and backward pass twice over the same batch
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group["lr"] = lr
    inputs, targets = batch
    optimizer.zero_grad()
    for _ in range(2):
        loss = loss_fn(model(inputs), targets)
        loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    optimizer.step()
    return loss.item(), norm.item()
