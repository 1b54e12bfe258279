# expect: squared-norms
# kind: single
# about: sums the squared gradient entries and stops there
import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    h = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    hs = []
    for w in ws:
        h.retain_grad()
        hs.append(h)
        z = h @ w.T
        if norm == "layernorm":
            z = torch.nn.functional.layer_norm(z, (z.shape[1],), eps=1e-5)
        a = torch.tanh(z)
        h = h + a if residual else a
    h.backward(torch.tensor(grad_out, dtype=torch.float64))
    return [t.grad.pow(2).sum().item() for t in hs], [w.grad.pow(2).sum().item() for w in ws]
