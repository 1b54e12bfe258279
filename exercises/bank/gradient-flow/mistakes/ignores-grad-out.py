"""Backpropagates the sum of the outputs instead of the given signal grad_out."""

import torch

HINT = (
    "Your gradients do not depend on grad_out: you called backward on h.sum(), which sends a "
    "signal of ones into every output. Backpropagate the given signal with "
    "h.backward(grad_out), so that the loss is the sum of grad_out * h."
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
    h.sum().backward()
    input_norms = [v.grad.norm().item() for v in inputs]
    weight_norms = [w.grad.norm().item() for w in params]
    return input_norms, weight_norms
