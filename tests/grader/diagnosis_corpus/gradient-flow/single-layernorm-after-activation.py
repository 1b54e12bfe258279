# expect: layernorm-after-activation
# kind: single
# about: an nn.Sequential of Linear, Tanh, LayerNorm: the normalisation comes after the activation
import torch
from torch import nn


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    d = weights[0].shape[0]
    layers = []
    for w in weights:
        linear = nn.Linear(d, d, bias=False).double()
        linear.weight.data = torch.tensor(w)
        parts = [linear, nn.Tanh()]
        if norm == "layernorm":
            parts.append(nn.LayerNorm(d, elementwise_affine=False).double())
        layers.append(nn.Sequential(*parts))
    h = torch.tensor(x, requires_grad=True)
    inputs = []
    for layer in layers:
        h.retain_grad()
        inputs.append(h)
        h = h + layer(h) if residual else layer(h)
    h.backward(torch.tensor(grad_out))
    return (
        [t.grad.norm().item() for t in inputs],
        [layer[0].weight.grad.norm().item() for layer in layers],
    )
