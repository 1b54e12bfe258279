# expect: reversed-layer-order
# kind: single
# about: numpy backward pass that appends the norms walking down, never turning the lists round
import numpy as np


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    hs, zs, stds, acts = [], [], [], []
    h = x
    for W in weights:
        hs.append(h)
        z = h @ W.T
        std = None
        if norm == "layernorm":
            std = np.sqrt(np.var(z, axis=1, keepdims=True) + 1e-5)
            z = (z - z.mean(axis=1, keepdims=True)) / std
        a = np.tanh(z)
        zs.append(z)
        stds.append(std)
        acts.append(a)
        h = h + a if residual else a

    g = grad_out
    act_norms, w_norms = [], []
    for k in range(len(weights) - 1, -1, -1):
        dz = g * (1.0 - acts[k] ** 2)
        if stds[k] is not None:
            zh = zs[k]
            dz = (dz - dz.mean(1, keepdims=True) - zh * (dz * zh).mean(1, keepdims=True)) / stds[k]
        w_norms.append(np.linalg.norm(dz.T @ hs[k]))
        g = dz @ weights[k] + g if residual else dz @ weights[k]
        act_norms.append(np.linalg.norm(g))
    return act_norms, w_norms
