"""The same forward and backward pass done by torch.nn.functional.layer_norm.

x, gamma and beta become float64 leaf tensors; autograd backpropagates dy
through torch's own LayerNorm, and the gradients are read back as arrays.
"""

import torch
import torch.nn.functional as F


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    x_t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    gamma_t = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
    beta_t = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    y = F.layer_norm(x_t, (x.shape[-1],), weight=gamma_t, bias=beta_t, eps=eps)
    y.backward(torch.tensor(dy, dtype=torch.float64))
    return (
        y.detach().numpy().copy(),
        x_t.grad.numpy().copy(),
        gamma_t.grad.numpy().copy(),
        beta_t.grad.numpy().copy(),
    )
