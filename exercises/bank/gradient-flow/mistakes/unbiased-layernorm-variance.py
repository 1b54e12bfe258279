"""Normalises with torch.var's default unbiased variance (divides by d - 1)."""

import torch

HINT = (
    "Your LayerNorm divides by d - 1: torch.var and Tensor.var default to the unbiased sample "
    "variance (correction=1). LayerNorm uses the population variance, dividing by d: pass "
    "correction=0 (or unbiased=False), or average the squared deviations yourself."
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
            var = z.var(dim=-1, keepdim=True)
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
