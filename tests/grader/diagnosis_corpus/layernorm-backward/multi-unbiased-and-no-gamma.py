# expect: unbiased-variance, dx-without-gamma
# kind: multi
# about: sample variance (d - 1), and dx computed from dy without gamma
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    d = x.shape[1]
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).sum(axis=1, keepdims=True) / (d - 1)
    std = np.sqrt(var + eps)
    xhat = (x - mean) / std
    y = gamma * xhat + beta
    dx = (
        dy
        - dy.mean(axis=1, keepdims=True)
        - xhat * (dy * xhat).sum(axis=1, keepdims=True) / (d - 1)
    ) / std
    dgamma = (dy * xhat).sum(axis=0)
    dbeta = dy.sum(axis=0)
    return y, dx, dgamma, dbeta
