"""Computes h @ W instead of h @ W.T."""

import torch

HINT = (
    "Your layers multiply by W instead of its transpose. With square weights both run, but "
    "W[i, j] is the weight from input unit j to output unit i, as in torch.nn.Linear, so a "
    "layer computes z = h @ W.T."
)


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    h = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    inputs = []
    for w in params:
        h.retain_grad()
        inputs.append(h)
        z = h @ w
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
    return input_norms, weight_norms
