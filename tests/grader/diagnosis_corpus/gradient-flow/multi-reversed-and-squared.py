# expect: reversed-layer-order, squared-norms
# kind: multi
# about: squared norms, listed from the top layer down
import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    ws = [torch.tensor(w, requires_grad=True) for w in weights]
    h = torch.tensor(x, requires_grad=True)
    ins = []
    for w in ws:
        h.retain_grad()
        ins.append(h)
        z = h @ w.T
        if norm == "layernorm":
            z = torch.nn.functional.layer_norm(z, z.shape[-1:])
        a = torch.tanh(z)
        h = h + a if residual else a
    h.backward(torch.tensor(grad_out))
    a_norms = [(t.grad * t.grad).sum().item() for t in reversed(ins)]
    w_norms = [(w.grad * w.grad).sum().item() for w in reversed(ws)]
    return a_norms, w_norms
