# expect: pass
# kind: right
# about: clears before the loop, keeps the mean loss as a detached tensor and returns tensors
import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    optimizer.zero_grad(set_to_none=True)
    n = sum(inputs.size(0) for inputs, _ in micro_batches)
    mean_loss = torch.zeros((), dtype=torch.float64)
    for inputs, targets in micro_batches:
        share = inputs.size(0) / n
        loss = loss_fn(model(inputs), targets) * share
        loss.backward()
        mean_loss = mean_loss + loss.detach().cpu()
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return mean_loss, grad_norm
