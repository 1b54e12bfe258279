"""Reports squared norms (sums of squares) instead of norms."""

import torch

HINT = (
    "Your values are the squares of the norms: you summed the squared entries but took no "
    "square root. On a log scale that doubles every slope and hides nothing, but the numbers "
    "are not the Euclidean norms asked for; use .norm(), or the square root of the sum of "
    "squares."
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
    input_norms = [(v.grad ** 2).sum().item() for v in inputs]
    weight_norms = [(w.grad ** 2).sum().item() for w in params]
    return input_norms, weight_norms
