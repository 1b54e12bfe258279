import torch


def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    """One optimizer step over a list of (inputs, targets) micro-batches.

    Return (loss, grad_norm) as floats: the mean loss over every row of the
    step, and the norm of the accumulated gradient measured BEFORE clipping.
    """
    for inputs, targets in micro_batches:
        loss = loss_fn(model(inputs), targets)
        # weight this micro-batch's loss by its share of the rows, then backward
    # once, after the last micro-batch: clip with
    # torch.nn.utils.clip_grad_norm_(..., max_norm, error_if_nonfinite=True),
    # set lr in every parameter group, step, and clear the gradients
    return loss.item(), 0.0
