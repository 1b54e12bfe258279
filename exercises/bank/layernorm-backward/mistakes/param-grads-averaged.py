"""Averages dgamma and dbeta over the rows instead of adding them up."""

import numpy as np

HINT = (
    "Your dgamma and dbeta are n times too small: you took the mean over the rows. gamma and "
    "beta are shared by every row, so their gradients are the sum of every row's "
    "contribution; any averaging over the batch is already inside dy."
)


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = (x - mean) / std
    y = gamma * xhat + beta

    dbeta = dy.mean(axis=0)
    dgamma = (dy * xhat).mean(axis=0)
    dxhat = dy * gamma
    mean_dxhat = dxhat.mean(axis=1, keepdims=True)
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=1, keepdims=True)
    dx = (dxhat - mean_dxhat - xhat * mean_dxhat_xhat) / std
    return y, dx, dgamma, dbeta
