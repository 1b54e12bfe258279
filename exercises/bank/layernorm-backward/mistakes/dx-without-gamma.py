"""Backpropagates dy into xhat without multiplying by gamma."""

import numpy as np

HINT = (
    "Your dx is right only where gamma is 1: the output is gamma * xhat + beta, so the "
    "gradient reaching xhat is dy * gamma, not dy. Multiply by gamma before the two mean "
    "corrections."
)


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = (x - mean) / std
    y = gamma * xhat + beta

    dbeta = dy.sum(axis=0)
    dgamma = (dy * xhat).sum(axis=0)
    dxhat = dy
    mean_dxhat = dxhat.mean(axis=1, keepdims=True)
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=1, keepdims=True)
    dx = (dxhat - mean_dxhat - xhat * mean_dxhat_xhat) / std
    return y, dx, dgamma, dbeta
