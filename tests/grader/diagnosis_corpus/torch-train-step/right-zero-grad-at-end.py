# expect: pass
# kind: right
# about: clears the gradients at the end of the step, so the next step starts from none
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    optimizer.zero_grad()
    return loss.item(), grad_norm.item()
