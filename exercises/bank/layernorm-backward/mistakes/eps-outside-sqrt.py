"""Adds eps to the standard deviation instead of to the variance."""

import numpy as np

HINT = (
    "Your eps is added after the square root, sqrt(var) + eps, where LayerNorm adds it to the "
    "variance, sqrt(var + eps). The two agree only when the variance is large next to eps; for "
    "a row of small values (variance near or below eps) they differ a lot. Use "
    "std = np.sqrt(var + eps)."
)


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var) + eps
    xhat = (x - mean) / std
    y = gamma * xhat + beta

    dbeta = dy.sum(axis=0)
    dgamma = (dy * xhat).sum(axis=0)
    dxhat = dy * gamma
    mean_dxhat = dxhat.mean(axis=1, keepdims=True)
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=1, keepdims=True)
    dx = (dxhat - mean_dxhat - xhat * mean_dxhat_xhat) / std
    return y, dx, dgamma, dbeta
