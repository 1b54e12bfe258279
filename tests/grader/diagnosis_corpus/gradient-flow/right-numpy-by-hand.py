# expect: pass
# kind: right
# about: forward and backward written out in numpy, with a layer-norm backward helper
import numpy as np


def ln_backward(g, zhat, std):
    d = zhat.shape[1]
    return (d * g - g.sum(1, keepdims=True) - zhat * (g * zhat).sum(1, keepdims=True)) / (d * std)


def gradient_norms_by_layer(weights, x, grad_out, norm, residual):
    cache = []
    h = x
    for W in weights:
        z = h @ W.T
        zhat, std = z, None
        if norm == "layernorm":
            std = np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)
            zhat = (z - z.mean(axis=1, keepdims=True)) / std
        a = np.tanh(zhat)
        cache.append((h, W, zhat, std, a))
        h = h + a if residual else a

    g = grad_out
    ins, ws = [], []
    for h_in, W, zhat, std, a in reversed(cache):
        dz = g * (1 - a**2)
        if std is not None:
            dz = ln_backward(dz, zhat, std)
        ws.append(np.sqrt(np.sum((dz.T @ h_in) ** 2)))
        g = dz @ W + (g if residual else 0.0)
        ins.append(np.sqrt(np.sum(g**2)))
    return ins[::-1], ws[::-1]
