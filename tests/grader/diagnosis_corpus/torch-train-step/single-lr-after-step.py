# expect: lr-after-step
# kind: single
# about: returns tensors, and updates the groups' rate after optimizer.step()
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    x, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    optimizer.step()
    for group in optimizer.param_groups:
        group.update(lr=lr)
    return loss.detach(), grad_norm
