# expect: no-loss-scaling
# kind: single
# about: keeps the per-part losses in a list for the weighted mean, but backpropagates them unscaled
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    optimizer.zero_grad()
    losses, sizes = [], []
    for x, y in micro_batches:
        loss = loss_fn(model(x), y)
        loss.backward()
        losses.append(loss.item())
        sizes.append(len(x))
    mean_loss = sum(value * n for value, n in zip(losses, sizes, strict=True)) / sum(sizes)
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return mean_loss, norm.item()
