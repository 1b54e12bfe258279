# expect: dgamma-uses-raw-x, dx-without-mean-term
# kind: multi
# about: dgamma from x instead of xhat, and no correction for the mean in dx
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    y = gamma * xhat + beta
    dxhat = gamma * dy
    dx = (dxhat - xhat * np.mean(dxhat * xhat, axis=1, keepdims=True)) / std
    dgamma = np.sum(dy * x, axis=0)
    dbeta = np.sum(dy, axis=0)
    return y, dx, dgamma, dbeta
