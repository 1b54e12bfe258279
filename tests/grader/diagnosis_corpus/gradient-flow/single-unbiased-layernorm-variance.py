# expect: unbiased-layernorm-variance
# kind: single
# about: LayerNorm by hand with z.std(), torch's unbiased default
import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    params = [torch.tensor(w, requires_grad=True) for w in weights]
    h = torch.tensor(x, requires_grad=True)
    layer_inputs = []
    for p in params:
        h.retain_grad()
        layer_inputs.append(h)
        z = h @ p.T
        if norm == "layernorm":
            z = (z - z.mean(dim=1, keepdim=True)) / torch.sqrt(
                z.std(dim=1, keepdim=True) ** 2 + 1e-5
            )
        h = (h if residual else 0) + torch.tanh(z)
    h.backward(torch.tensor(grad_out))
    return [t.grad.norm().item() for t in layer_inputs], [p.grad.norm().item() for p in params]
