# expect: step-per-micro-batch
# kind: real-style
# about: a script that scales the loss by the part's share but keeps the full step in the loop
import torch.nn as nn


def set_lr(optimizer, lr):
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    model.train()
    n_samples = sum(data.size(0) for data, _ in micro_batches)
    epoch_loss = 0.0
    for data, target in micro_batches:
        output = model(data)
        loss = loss_fn(output, target) * data.size(0) / n_samples
        loss.backward()
        epoch_loss += loss.item()
        grad_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        set_lr(optimizer, lr)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return epoch_loss, grad_norm.item()
