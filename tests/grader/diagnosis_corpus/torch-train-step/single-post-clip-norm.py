# expect: post-clip-norm
# kind: single
# about: ignores clip_grad_norm_'s return value and measures the clipped gradients with torch.linalg
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group["lr"] = lr
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    grads = [p.grad.flatten() for p in model.parameters() if p.grad is not None]
    grad_norm = torch.linalg.vector_norm(torch.cat(grads))
    optimizer.step()
    return loss.item(), grad_norm.item()
