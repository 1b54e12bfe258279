# expect: pass
# kind: right
# about: adds up the weighted micro-batch losses into one tensor and calls backward() once
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    n_rows = sum(x.shape[0] for x, _ in micro_batches)
    total = sum(loss_fn(model(x), y) * (x.shape[0] / n_rows) for x, y in micro_batches)
    optimizer.zero_grad()
    total.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return total.item(), norm.item()
