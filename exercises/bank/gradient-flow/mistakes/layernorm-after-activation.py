"""Applies LayerNorm after tanh instead of between the linear map and tanh."""

import torch

HINT = (
    "Your LayerNorm normalises the output of tanh. The exercise puts it between the linear "
    "map and the activation, z = LN(h @ W.T), then a = tanh(z), so tanh always sees inputs of "
    "mean 0 and variance 1; normalising afterwards gives a different network with different "
    "gradients."
)


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    h = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    inputs = []
    for w in params:
        h.retain_grad()
        inputs.append(h)
        z = h @ w.T
        a = torch.tanh(z)
        if norm == "layernorm":
            mean = a.mean(dim=-1, keepdim=True)
            var = a.var(dim=-1, keepdim=True, correction=0)
            a = (a - mean) / torch.sqrt(var + 1e-5)
        if residual:
            h = h + a
        else:
            h = a
    h.backward(torch.tensor(grad_out, dtype=torch.float64))
    input_norms = [v.grad.norm().item() for v in inputs]
    weight_norms = [w.grad.norm().item() for w in params]
    return input_norms, weight_norms
