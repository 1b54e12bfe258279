import torch


def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    """One training step. Return (loss, grad_norm) as floats.

    grad_norm is the total gradient norm measured BEFORE clipping.
    """
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    # clear old gradients, backpropagate, clip with
    # torch.nn.utils.clip_grad_norm_(..., max_norm, error_if_nonfinite=True),
    # set lr in every parameter group, then take the optimizer's step
    return loss.item(), 0.0
