# expect: lr-after-step
# kind: real-style
# about: a loop body that sets its scheduled rate after optimizer.step(), like a late scheduler
import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    model.train()
    inputs, labels = batch
    optimizer.zero_grad()
    outputs = model(inputs)
    loss = loss_fn(outputs, labels)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    # the schedule's next value takes effect from here on
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr
    return loss.item(), grad_norm.item()
