# expect: pass
# kind: right
# about: tensor hooks registered on every layer input collect the gradients as they pass
import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    n_layers = len(weights)
    input_norms = [None] * n_layers
    params = [torch.tensor(w, requires_grad=True) for w in weights]
    h = torch.tensor(x, requires_grad=True)

    def recorder(index):
        def hook(grad):
            input_norms[index] = torch.linalg.vector_norm(grad).item()

        return hook

    for index, w in enumerate(params):
        h.register_hook(recorder(index))
        z = torch.matmul(h, w.t())
        if norm == "layernorm":
            mu = z.mean(-1, keepdim=True)
            z = (z - mu) / torch.sqrt(((z - mu) ** 2).mean(-1, keepdim=True) + 1e-5)
        out = torch.tanh(z)
        h = out + h if residual else out
    h.backward(torch.tensor(grad_out))
    weight_norms = [torch.linalg.matrix_norm(w.grad).item() for w in params]
    return input_norms, weight_norms
