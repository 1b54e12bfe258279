# expect: pass
# kind: right
# about: builds each row's d-by-d Jacobian of xhat with respect to x and multiplies it out
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    n, d = x.shape
    centred = x - x.mean(axis=1, keepdims=True)
    std = np.sqrt((centred * centred).sum(axis=1, keepdims=True) / d + eps)
    xhat = centred / std
    y = gamma * xhat + beta
    dx = np.zeros_like(x)
    eye = np.eye(d)
    for i in range(n):
        jac = (eye - 1.0 / d - np.outer(xhat[i], xhat[i]) / d) / std[i, 0]
        dx[i] = jac.T @ (dy[i] * gamma)
    dgamma = np.einsum("ij,ij->j", dy, xhat)
    dbeta = dy.sum(axis=0)
    return y, dx, dgamma, dbeta
