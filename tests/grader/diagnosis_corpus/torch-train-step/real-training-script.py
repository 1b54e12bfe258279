# expect: pass
# kind: real-style
# about: a typical loop body: model.train(), a rate setter, clipping without error_if_nonfinite
import torch.nn as nn


def set_lr(optimizer, lr):
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    model.train()
    data, target = batch
    set_lr(optimizer, lr)
    optimizer.zero_grad(set_to_none=True)
    output = model(data)
    loss = loss_fn(output, target)
    loss.backward()
    grad_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), grad_norm.item()
