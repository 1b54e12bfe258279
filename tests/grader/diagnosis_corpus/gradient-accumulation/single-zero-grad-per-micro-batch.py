# expect: zero-grad-per-micro-batch
# kind: single
# about: keeps the usual single-step habit of model.zero_grad() before every forward pass
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    n = sum(x.shape[0] for x, _ in micro_batches)
    mean_loss = 0.0
    for x, y in micro_batches:
        model.zero_grad()
        loss = loss_fn(model(x), y) * x.shape[0] / n
        loss.backward()
        mean_loss += loss.item()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return mean_loss, norm.item()
