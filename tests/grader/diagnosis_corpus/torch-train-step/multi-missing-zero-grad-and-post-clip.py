# expect: missing-zero-grad, post-clip-norm
# kind: multi
# about: never clears the gradients, and reports the norm after clipping
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    grad_norm = torch.sqrt(sum((p.grad**2).sum() for p in model.parameters()))
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
