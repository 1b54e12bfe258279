# expect: missing-zero-grad
# kind: single
# about: accumulates correctly within the step but never clears the gradients between steps
from torch.nn.utils import clip_grad_norm_


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group["lr"] = lr
    total_rows = sum(len(inputs) for inputs, _ in micro_batches)
    running = 0.0
    for inputs, targets in micro_batches:
        frac = len(inputs) / total_rows
        loss = loss_fn(model(inputs), targets) * frac
        loss.backward()
        running += loss.item()
    grad_norm = clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    optimizer.step()
    return running, grad_norm.item()
