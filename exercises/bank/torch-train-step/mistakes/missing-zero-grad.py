"""Never clears the gradients, so every step adds to the previous ones."""

import torch

HINT = (
    "backward() adds into p.grad, it does not overwrite it. Without optimizer.zero_grad() at "
    "the start of the step, step k uses the sum of all k gradients so far (a momentum that "
    "never forgets). Clear the gradients before the forward pass."
)


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                               error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), grad_norm.item()
