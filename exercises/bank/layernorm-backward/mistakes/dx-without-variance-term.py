"""Leaves out the gradient that flows through the variance."""

import numpy as np

HINT = (
    "Your dx misses the path through the variance: every x in a row changes the row's "
    "standard deviation, which divides every output. That path subtracts "
    "xhat * mean(dxhat * xhat), so dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std. "
    "Check: each row of a correct dx is orthogonal to xhat."
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
    mean_dxhat = dxhat.mean(axis=1, keepdims=True)
    dx = (dxhat - mean_dxhat) / std
    return y, dx, dgamma, dbeta
