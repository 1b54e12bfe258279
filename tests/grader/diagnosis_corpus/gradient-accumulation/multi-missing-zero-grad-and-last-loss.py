# expect: missing-zero-grad, last-micro-batch-loss
# kind: multi
# about: never clears the gradients, and returns the loss of the last micro-batch
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    total = sum(len(x) for x, _ in micro_batches)
    for x, y in micro_batches:
        loss = loss_fn(model(x), y)
        (loss * len(x) / total).backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), norm.item()
