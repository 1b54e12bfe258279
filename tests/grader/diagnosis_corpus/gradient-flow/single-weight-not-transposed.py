# expect: weight-not-transposed
# kind: single
# about: multiplies by W itself, reading W[i, j] as the weight from unit i to unit j
import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    Ws = [torch.tensor(W, requires_grad=True) for W in weights]
    h = torch.tensor(x, requires_grad=True)
    hs = []
    for W in Ws:
        h.retain_grad()
        hs.append(h)
        z = torch.mm(h, W)
        if norm == "layernorm":
            z = torch.nn.functional.layer_norm(z, [z.shape[1]])
        h = h + z.tanh() if residual else z.tanh()
    h.backward(torch.tensor(grad_out))
    return [v.grad.norm().item() for v in hs], [W.grad.norm().item() for W in Ws]
