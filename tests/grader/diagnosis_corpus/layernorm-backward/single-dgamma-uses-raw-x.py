# expect: dgamma-uses-raw-x
# kind: single
# about: dgamma as dy times the input, as if gamma scaled x itself
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    d = x.shape[1]
    mean = x.sum(axis=1, keepdims=True) / d
    var = ((x - mean) ** 2).sum(axis=1, keepdims=True) / d
    std = np.sqrt(var + eps)
    xhat = (x - mean) / std
    y = gamma * xhat + beta
    dxhat = dy * gamma
    dx = (
        d * dxhat
        - dxhat.sum(axis=1, keepdims=True)
        - xhat * (dxhat * xhat).sum(axis=1, keepdims=True)
    ) / (d * std)
    dgamma = np.einsum("ij,ij->j", dy, x)
    dbeta = dy.sum(axis=0)
    return y, dx, dgamma, dbeta
