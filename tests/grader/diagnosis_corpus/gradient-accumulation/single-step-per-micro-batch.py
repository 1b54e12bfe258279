# expect: step-per-micro-batch
# kind: single
# about: runs a whole small training step per micro-batch, each on its scaled-down loss
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group["lr"] = lr
    n = sum(len(x) for x, _ in micro_batches)
    weighted = []
    for x, y in micro_batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y) * (len(x) / n)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
        optimizer.step()
        weighted.append(loss.item())
    return sum(weighted), norm.item()
