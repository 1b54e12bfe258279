# expect: post-clip-norm, lr-after-step
# kind: multi
# about: returns the norm after clipping, and sets the rate after the step
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    grad_norm = torch.sqrt(sum((p.grad**2).sum() for p in model.parameters()))
    optimizer.step()
    for group in optimizer.param_groups:
        group["lr"] = lr
    return loss.item(), grad_norm.item()
