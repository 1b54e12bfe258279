"""Reports the root mean square of each gradient instead of its norm."""

import torch

HINT = (
    "Your values are root mean squares: you averaged the squared entries before the square "
    "root, which divides each norm by the square root of the number of entries. The lesson's "
    "table prints RMS values, but this exercise asks for the Euclidean (Frobenius) norm of "
    "each whole gradient, with no averaging."
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
    input_norms = [v.grad.pow(2).mean().sqrt().item() for v in inputs]
    weight_norms = [w.grad.pow(2).mean().sqrt().item() for w in params]
    return input_norms, weight_norms
