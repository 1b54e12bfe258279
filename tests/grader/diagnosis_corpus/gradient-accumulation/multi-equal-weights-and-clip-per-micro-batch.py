# expect: equal-weights, clip-per-micro-batch
# kind: multi
# about: divides by the number of parts and clips after every backward()
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    k = len(micro_batches)
    mean_loss = 0.0
    for inputs, targets in micro_batches:
        loss = loss_fn(model(inputs), targets)
        (loss / k).backward()
        mean_loss += loss.item() / k
        grad_norm = torch.nn.utils.clip_grad_norm_(
            model.parameters(), max_norm, error_if_nonfinite=True
        )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    optimizer.zero_grad()
    return mean_loss, grad_norm.item()
