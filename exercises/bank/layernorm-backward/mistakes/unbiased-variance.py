"""Divides the squared deviations by d - 1 (the sample variance) instead of d, forward and backward."""

import numpy as np

HINT = (
    "Your variance divides by d - 1, the unbiased sample variance (np.var with ddof=1, or "
    "torch.var's default), and your gradients follow it. LayerNorm uses the population "
    "variance of the row, dividing by d (np.var's default, ddof=0), so your outputs are "
    "slightly too small in size."
)


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).sum(axis=1, keepdims=True) / (x.shape[1] - 1)
    std = np.sqrt(var + eps)
    xhat = (x - mean) / std
    y = gamma * xhat + beta

    dbeta = dy.sum(axis=0)
    dgamma = (dy * xhat).sum(axis=0)
    dxhat = dy * gamma
    mean_dxhat = dxhat.mean(axis=1, keepdims=True)
    mean_dxhat_xhat = (dxhat * xhat).sum(axis=1, keepdims=True) / (x.shape[1] - 1)
    dx = (dxhat - mean_dxhat - xhat * mean_dxhat_xhat) / std
    return y, dx, dgamma, dbeta
