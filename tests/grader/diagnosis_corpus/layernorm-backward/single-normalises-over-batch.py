# expect: normalises-over-batch
# kind: single
# about: a batch-norm backward, statistics over axis 0 throughout
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    y = gamma * xhat + beta
    dxhat = dy * gamma
    dx = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (n * std)
    dgamma = (dy * xhat).sum(axis=0)
    dbeta = dy.sum(axis=0)
    return y, dx, dgamma, dbeta
