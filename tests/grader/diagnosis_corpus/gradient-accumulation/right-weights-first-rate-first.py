# expect: pass
# kind: right
# about: sets the rate first, precomputes every micro-batch's weight and clears with model.zero_grad
from torch.nn.utils import clip_grad_norm_


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    for group in optimizer.param_groups:
        group.update(lr=lr)
    sizes = [len(x) for x, _ in micro_batches]
    weights = [size / sum(sizes) for size in sizes]
    logged = 0.0
    for (x, y), w in zip(micro_batches, weights, strict=True):
        loss = loss_fn(model(x), y)
        (w * loss).backward()
        logged += w * float(loss)
    params = list(model.parameters())
    total_norm = clip_grad_norm_(params, max_norm=max_norm, error_if_nonfinite=True)
    optimizer.step()
    model.zero_grad(set_to_none=True)
    return logged, float(total_norm)
