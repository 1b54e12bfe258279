# expect: ignores-grad-out
# kind: single
# about: backpropagates h.sum(), a signal of ones, instead of grad_out
import torch
import torch.nn.functional as F


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    ws = [torch.tensor(w, requires_grad=True) for w in weights]
    h = torch.tensor(x, requires_grad=True)
    kept = []
    for w in ws:
        h.retain_grad()
        kept.append(h)
        z = F.linear(h, w)
        if norm == "layernorm":
            z = F.layer_norm(z, (w.shape[0],))
        h = h + torch.tanh(z) if residual else torch.tanh(z)
    h.sum().backward()
    return [k.grad.norm().item() for k in kept], [w.grad.norm().item() for w in ws]
