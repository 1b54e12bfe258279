# expect: unbiased-variance
# kind: real-style
# about: LayerNorm written in torch with Tensor.var, whose default divides by d - 1
import torch


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    x = torch.tensor(x, requires_grad=True)
    weight = torch.tensor(gamma, requires_grad=True)
    bias = torch.tensor(beta, requires_grad=True)
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, keepdim=True)
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    out.backward(torch.tensor(dy))
    return (
        out.detach().numpy(),
        x.grad.numpy(),
        weight.grad.numpy(),
        bias.grad.numpy(),
    )
