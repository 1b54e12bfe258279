# expect: clip-after-step
# kind: single
# about: sets the rate first, steps, and only then clips (and measures) the gradients
from torch.nn.utils import clip_grad_norm_


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.zero_grad()
    loss = loss_fn(model(batch[0]), batch[1])
    loss.backward()
    optimizer.step()
    norm = clip_grad_norm_(model.parameters(), max_norm, error_if_nonfinite=True)
    return float(loss), float(norm)
