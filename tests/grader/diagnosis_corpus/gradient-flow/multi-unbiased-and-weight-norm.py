# expect: unbiased-layernorm-variance, weight-norm-not-gradient
# kind: multi
# about: z.var() with torch's default correction, and the weights' norms, not their gradients'
import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    h = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    inputs = []
    for w in params:
        h.retain_grad()
        inputs.append(h)
        z = h @ w.T
        if norm == "layernorm":
            z = (z - z.mean(-1, keepdim=True)) / (z.var(-1, keepdim=True) + 1e-5).sqrt()
        a = torch.tanh(z)
        h = h + a if residual else a
    h.backward(torch.tensor(grad_out, dtype=torch.float64))
    return [v.grad.norm().item() for v in inputs], [w.norm().item() for w in params]
