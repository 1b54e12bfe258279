# expect: param-grads-averaged
# kind: single
# about: averages the parameter gradients over the batch, "like the loss"
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.mean(np.square(x - mu), axis=1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    y = gamma * xhat + beta
    dxhat = dy * gamma
    proj = np.mean(dxhat * xhat, axis=1, keepdims=True)
    dx = (dxhat - np.mean(dxhat, axis=1, keepdims=True) - xhat * proj) / np.sqrt(var + eps)
    dgamma = np.mean(dy * xhat, axis=0)
    dbeta = np.mean(dy, axis=0)
    return y, dx, dgamma, dbeta
