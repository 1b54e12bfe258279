# expect: zero-grad-per-micro-batch, equal-weights
# kind: multi
# about: clears before every micro-batch and divides every loss by the number of parts
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    steps = len(micro_batches)
    avg = 0.0
    for x, y in micro_batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y) / steps
        loss.backward()
        avg += loss.item()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return avg, norm.item()
