# expect: clip-per-micro-batch
# kind: single
# about: clips right after each backward() "to keep every part in check"
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    optimizer.zero_grad()
    n_total = sum(len(x) for x, _ in micro_batches)
    mean_loss = 0.0
    norm = None
    for x, y in micro_batches:
        loss = loss_fn(model(x), y)
        (loss * len(x) / n_total).backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        mean_loss += loss.item() * len(x) / n_total
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return mean_loss, norm.item()
