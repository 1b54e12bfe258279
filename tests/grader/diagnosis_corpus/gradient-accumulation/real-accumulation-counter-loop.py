# expect: equal-weights
# kind: real-style
# about: the common counter loop (loss / accumulation_steps, step when (i + 1) % steps == 0)
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    model.train()
    accumulation_steps = len(micro_batches)
    running_loss = 0.0
    grad_norm = None
    for i, (inputs, labels) in enumerate(micro_batches):
        outputs = model(inputs)
        loss = loss_fn(outputs, labels)
        loss = loss / accumulation_steps
        loss.backward()
        running_loss += loss.item()
        if (i + 1) % accumulation_steps == 0:
            grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
            for param_group in optimizer.param_groups:
                param_group["lr"] = lr
            optimizer.step()
            optimizer.zero_grad()
    return running_loss, grad_norm.item()
