# expect: pass
# kind: right
# about: writes LayerNorm in torch by hand and lets autograd do the backward pass
import torch


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    xt = torch.from_numpy(x).requires_grad_()
    g = torch.from_numpy(gamma).requires_grad_()
    b = torch.from_numpy(beta).requires_grad_()
    mean = xt.mean(dim=1, keepdim=True)
    var = ((xt - mean) ** 2).mean(dim=1, keepdim=True)
    y = g * (xt - mean) * torch.rsqrt(var + eps) + b
    y.backward(torch.from_numpy(dy))
    return y.detach().numpy(), xt.grad.numpy(), g.grad.numpy(), b.grad.numpy()
