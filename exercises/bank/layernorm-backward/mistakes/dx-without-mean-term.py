"""Leaves out the gradient that flows through the mean."""

import numpy as np

HINT = (
    "Your dx misses the path through the mean: every x in a row moves the row's mean, which is "
    "subtracted from every output. That path subtracts the row's mean of dxhat, "
    "dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std. Check: each row of a "
    "correct dx sums to zero."
)


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = (x - mean) / std
    y = gamma * xhat + beta

    dbeta = dy.sum(axis=0)
    dgamma = (dy * xhat).sum(axis=0)
    dxhat = dy * gamma
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=1, keepdims=True)
    dx = (dxhat - xhat * mean_dxhat_xhat) / std
    return y, dx, dgamma, dbeta
