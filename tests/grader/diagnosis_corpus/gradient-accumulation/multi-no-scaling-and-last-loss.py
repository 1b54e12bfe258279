# expect: no-loss-scaling, last-micro-batch-loss
# kind: multi
# about: the single-step body wrapped in a loop: no scaling, and the last part's loss returned
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    optimizer.zero_grad()
    for inputs, targets in micro_batches:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
