# expect: output-side-gradient
# kind: single
# about: retains the gradient of each layer's output, so the list starts one layer too high
import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    Ws = [torch.tensor(w, requires_grad=True) for w in weights]
    h = torch.tensor(x, requires_grad=True)
    outs = []
    for W in Ws:
        z = h @ W.T
        if norm == "layernorm":
            z = torch.nn.functional.layer_norm(z, z.shape[-1:])
        h = h + torch.tanh(z) if residual else torch.tanh(z)
        h.retain_grad()
        outs.append(h)
    h.backward(torch.tensor(grad_out))
    return [o.grad.norm().item() for o in outs], [W.grad.norm().item() for W in Ws]
