# expect: pass
# kind: right
# about: one torch.autograd.grad call for every layer input and weight at once
import torch
import torch.nn.functional as F


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    ws = [torch.from_numpy(w).requires_grad_() for w in weights]
    h = torch.from_numpy(x).requires_grad_()
    layer_inputs = []
    for w in ws:
        layer_inputs.append(h)
        z = F.linear(h, w)
        if norm == "layernorm":
            z = F.layer_norm(z, (z.shape[-1],))
        a = z.tanh()
        h = h + a if residual else a
    grads = torch.autograd.grad(h, layer_inputs + ws, grad_outputs=torch.from_numpy(grad_out))
    norms = [g.norm().item() for g in grads]
    return norms[: len(ws)], norms[len(ws) :]
