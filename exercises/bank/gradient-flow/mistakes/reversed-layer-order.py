"""Lists the norms from the last layer to the first."""

import torch

HINT = (
    "Your norms are in reverse order: the first entry belongs to the layer nearest the loss. "
    "Backpropagation visits the layers from the top down, but the exercise lists them as the "
    "forward pass meets them, layer 1 (the one that receives x) first."
)


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    h = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    inputs = []
    for w in params:
        h.retain_grad()
        inputs.append(h)
        z = h @ w.T
        if norm == "layernorm":
            mean = z.mean(dim=-1, keepdim=True)
            var = z.var(dim=-1, keepdim=True, correction=0)
            z = (z - mean) / torch.sqrt(var + 1e-5)
        a = torch.tanh(z)
        if residual:
            h = h + a
        else:
            h = a
    h.backward(torch.tensor(grad_out, dtype=torch.float64))
    input_norms = [v.grad.norm().item() for v in inputs]
    weight_norms = [w.grad.norm().item() for w in params]
    return input_norms[::-1], weight_norms[::-1]
