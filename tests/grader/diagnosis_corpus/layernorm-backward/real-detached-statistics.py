# expect: stats-treated-as-constants
# kind: real-style
# about: detaches the mean and standard deviation in torch "to save memory", dropping two paths
import torch


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    w = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    with torch.no_grad():
        mean = xt.mean(dim=-1, keepdim=True)
        std = torch.sqrt(xt.var(dim=-1, keepdim=True, unbiased=False) + eps)
    y = w * (xt - mean) / std + b
    y.backward(torch.tensor(dy, dtype=torch.float64))
    return y.detach().numpy(), xt.grad.numpy(), w.grad.numpy(), b.grad.numpy()
