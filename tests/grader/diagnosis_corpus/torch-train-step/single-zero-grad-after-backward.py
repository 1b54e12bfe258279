# expect: zero-grad-after-backward
# kind: single
# about: clears with model.zero_grad() right after backward, before clipping
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group["lr"] = lr
    x, y = batch
    loss = loss_fn(model(x), y)
    loss.backward()
    model.zero_grad()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    optimizer.step()
    return loss.item(), norm.item()
