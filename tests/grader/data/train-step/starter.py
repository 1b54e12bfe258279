def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    """One step. Return (loss, grad_norm), the norm measured before clipping."""
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    # zero the gradients, backpropagate, clip, set the rate, step
    return loss.item(), 0.0
