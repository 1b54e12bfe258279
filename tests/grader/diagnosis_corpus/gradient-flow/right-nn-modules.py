# expect: pass
# kind: right
# about: nn.Linear and nn.LayerNorm modules loaded with the given weights, norms returned as tensors
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, weight, use_norm, residual):
        super().__init__()
        d = weight.shape[0]
        self.linear = nn.Linear(d, d, bias=False, dtype=torch.float64)
        with torch.no_grad():
            self.linear.weight.copy_(torch.from_numpy(weight))
        self.norm = (
            nn.LayerNorm(d, elementwise_affine=False, dtype=torch.float64)
            if use_norm
            else nn.Identity()
        )
        self.residual = residual

    def forward(self, h):
        a = torch.tanh(self.norm(self.linear(h)))
        return h + a if self.residual else a


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    blocks = [Block(w, norm == "layernorm", residual) for w in weights]
    h = torch.tensor(x, requires_grad=True)
    seen = []
    for block in blocks:
        h.retain_grad()
        seen.append(h)
        h = block(h)
    h.backward(torch.tensor(grad_out))
    inputs = torch.stack([t.grad.norm() for t in seen])
    weights_ = torch.stack([b.linear.weight.grad.norm() for b in blocks])
    return inputs, weights_
