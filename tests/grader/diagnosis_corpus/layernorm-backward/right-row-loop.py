# expect: pass
# kind: right
# about: one row at a time with np.var, and the compact formula with sums instead of means
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    n, d = x.shape
    y = np.empty_like(x)
    dx = np.empty_like(x)
    dgamma = np.zeros_like(gamma)
    dbeta = np.zeros_like(beta)
    for i in range(n):
        inv_std = 1.0 / np.sqrt(np.var(x[i]) + eps)
        xhat = (x[i] - np.mean(x[i])) * inv_std
        y[i] = gamma * xhat + beta
        g = dy[i] * gamma
        dx[i] = inv_std / d * (d * g - g.sum() - xhat * np.dot(g, xhat))
        dgamma += dy[i] * xhat
        dbeta += dy[i]
    return y, dx, dgamma, dbeta
