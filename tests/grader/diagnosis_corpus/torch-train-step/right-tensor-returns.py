# expect: pass
# kind: right
# about: returns one-element tensors (a detached loss and the norm) instead of floats
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    x, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, norm_type=2.0, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.detach(), grad_norm
