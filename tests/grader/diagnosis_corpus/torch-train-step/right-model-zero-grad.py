# expect: pass
# kind: right
# about: clears through model.zero_grad(set_to_none=True) and clips an explicit parameter list
from torch.nn.utils import clip_grad_norm_


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    params = list(model.parameters())
    model.zero_grad(set_to_none=True)
    outputs = model(batch[0])
    loss = loss_fn(outputs, batch[1])
    loss.backward()
    total_norm = clip_grad_norm_(params, max_norm=max_norm, error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group.update(lr=lr)
    optimizer.step()
    return float(loss), float(total_norm)
