import torch


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    """Build the stack, backpropagate grad_out and measure the gradient at every layer.

    Return (input_grad_norms, weight_grad_norms), one float per layer, layer 1
    (the one that receives x) first.
    """
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    h = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    # per layer: z = h @ W.T; LayerNorm on z (no gamma/beta, eps 1e-5) when
    # norm == "layernorm"; a = tanh(z); h = h + a with residual, else h = a.
    # Keep every layer's input (retain_grad), then h.backward(grad_out).
    input_grad_norms = [0.0 for _ in params]
    weight_grad_norms = [0.0 for _ in params]
    return input_grad_norms, weight_grad_norms
