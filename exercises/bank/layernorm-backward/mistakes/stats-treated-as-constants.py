"""Treats the mean and the standard deviation as constants in the backward pass."""

import numpy as np

HINT = (
    "Your dx is dy * gamma / std, as if the mean and the standard deviation did not depend on "
    "x. They do: x reaches the output through xhat, through the mean and through the variance, "
    "and the last two paths subtract mean(dxhat) and xhat * mean(dxhat * xhat) before dividing "
    "by std. Without them the rows of dx do not sum to zero."
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
    dx = dxhat / std
    return y, dx, dgamma, dbeta
