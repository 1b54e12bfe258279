"""Returns the gradient norm measured after clipping."""

import torch

HINT = "clip_grad_norm_ returns the norm before clipping: return that value."


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    grad_norm = torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(p.grad) for p in model.parameters()])
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
