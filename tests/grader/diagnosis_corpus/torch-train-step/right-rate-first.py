# expect: pass
# kind: right
# about: sets the rate in every group before anything else
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group["lr"] = lr
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    optimizer.step()
    return loss.item(), norm.item()
