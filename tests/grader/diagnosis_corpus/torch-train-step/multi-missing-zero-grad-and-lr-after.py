# expect: missing-zero-grad, lr-after-step
# kind: multi
# about: never clears the gradients, and sets the rate after the step
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    optimizer.step()
    for group in optimizer.param_groups:
        group["lr"] = lr
    return loss.item(), grad_norm.item()
