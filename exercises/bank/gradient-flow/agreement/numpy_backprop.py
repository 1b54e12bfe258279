"""The same measurement with the backward pass written out by hand in numpy.

The forward pass keeps what the backward pass needs; the backward pass walks
the layers from the top down, through tanh, LayerNorm's own gradient and the
residual branch, and records both norms for each layer on the way.
"""

import numpy as np


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    h = np.asarray(x, dtype=np.float64)
    saved = []
    for w in weights:
        z = h @ w.T
        xhat, std = None, None
        if norm == "layernorm":
            centred = z - z.mean(axis=1, keepdims=True)
            std = np.sqrt((centred**2).mean(axis=1, keepdims=True) + 1e-5)
            z = centred / std
            xhat = z
        a = np.tanh(z)
        saved.append((h, w, a, xhat, std))
        h = h + a if residual else a

    grad = np.asarray(grad_out, dtype=np.float64)
    input_norms = [0.0] * len(weights)
    weight_norms = [0.0] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        h_in, w, a, xhat, std = saved[layer]
        dz = grad * (1.0 - a * a)
        if xhat is not None:
            dz = (
                dz
                - dz.mean(axis=1, keepdims=True)
                - xhat * (dz * xhat).mean(axis=1, keepdims=True)
            ) / std
        weight_norms[layer] = float(np.linalg.norm(dz.T @ h_in))
        grad_in = dz @ w
        if residual:
            grad_in = grad_in + grad
        input_norms[layer] = float(np.linalg.norm(grad_in))
        grad = grad_in
    return input_norms, weight_norms
