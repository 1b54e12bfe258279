# expect: missing-zero-grad
# kind: single
# about: an explicit parameter list and no clearing of the gradients anywhere
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    params = [p for p in model.parameters() if p.requires_grad]
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm, error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), norm.item()
