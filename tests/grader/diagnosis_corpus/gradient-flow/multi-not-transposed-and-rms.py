# expect: weight-not-transposed, rms-instead-of-norm
# kind: multi
# about: numpy by hand with h @ W, and root mean squares reported as in the lesson's table
import numpy as np


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    saved = []
    h = x
    for W in weights:
        z = h @ W
        std = None
        if norm == "layernorm":
            std = np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)
            z = (z - z.mean(axis=1, keepdims=True)) / std
        a = np.tanh(z)
        saved.append((h, W, z, std, a))
        h = h + a if residual else a
    g = grad_out
    act, wgt = [], []
    for h_in, W, z, std, a in reversed(saved):
        dz = g * (1.0 - a * a)
        if std is not None:
            dz = (dz - dz.mean(1, keepdims=True) - z * (dz * z).mean(1, keepdims=True)) / std
        wgt.insert(0, np.sqrt(np.mean((h_in.T @ dz) ** 2)))
        g = dz @ W.T + (g if residual else 0.0)
        act.insert(0, np.sqrt(np.mean(g**2)))
    return act, wgt
