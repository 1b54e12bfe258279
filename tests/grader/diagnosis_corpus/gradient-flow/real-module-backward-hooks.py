# expect: output-side-gradient
# kind: real-style
# about: full backward hooks on the blocks, logging grad_output (the gradient at each output)
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, w, layernorm, residual):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor(w))
        self.layernorm = layernorm
        self.residual = residual

    def forward(self, h):
        z = h @ self.weight.T
        if self.layernorm:
            z = nn.functional.layer_norm(z, (z.shape[-1],))
        a = torch.tanh(z)
        return h + a if self.residual else a


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    model = nn.Sequential(*[Block(w, norm == "layernorm", residual) for w in weights])
    grad_norms = {}
    for i, block in enumerate(model):
        block.register_full_backward_hook(
            lambda mod, gin, gout, i=i: grad_norms.__setitem__(i, gout[0].norm().item())
        )
    out = model(torch.tensor(x, requires_grad=True))
    out.backward(torch.tensor(grad_out))
    return [grad_norms[i] for i in range(len(model))], [b.weight.grad.norm().item() for b in model]
