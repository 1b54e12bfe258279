# expect: activation-after-residual
# kind: real-style
# about: a ResNet-style block, tanh(h + LN(h W^T)), with the activation after the addition
import torch
import torch.nn.functional as F


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    ws = [torch.tensor(w, requires_grad=True) for w in weights]
    h = torch.tensor(x, requires_grad=True)
    inputs = []
    for w in ws:
        h.retain_grad()
        inputs.append(h)
        out = F.linear(h, w)
        if norm == "layernorm":
            out = F.layer_norm(out, out.shape[-1:])
        if residual:
            out = out + h
        h = torch.tanh(out)
    h.backward(torch.tensor(grad_out))
    return [t.grad.norm().item() for t in inputs], [w.grad.norm().item() for w in ws]
