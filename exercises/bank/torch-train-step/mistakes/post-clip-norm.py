"""Returns the gradient norm measured after clipping instead of before."""

import torch

HINT = (
    "The weights are right but the norm you return is measured after clipping, so it never "
    "exceeds max_norm and hides every spike. clip_grad_norm_ already returns the norm before "
    "clipping: return that value."
)


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    grad_norm = torch.sqrt(sum((p.grad**2).sum() for p in model.parameters()))
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
