# expect: pass
# kind: right
# about: the staged backward pass, through the variance and then the mean, one step at a time
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    d = x.shape[1]
    mu = np.mean(x, axis=-1, keepdims=True)
    xmu = x - mu
    var = np.mean(xmu**2, axis=-1, keepdims=True)
    ivar = 1.0 / np.sqrt(var + eps)
    xhat = xmu * ivar
    y = xhat * gamma + beta

    dbeta = np.sum(dy, axis=0)
    dgamma = np.sum(dy * xhat, axis=0)
    dxhat = dy * gamma
    dvar = np.sum(dxhat * xmu, axis=-1, keepdims=True) * -0.5 * ivar**3
    dmu = -np.sum(dxhat * ivar, axis=-1, keepdims=True) + dvar * np.mean(
        -2.0 * xmu, axis=-1, keepdims=True
    )
    dx = dxhat * ivar + dvar * 2.0 * xmu / d + dmu / d
    return y, dx, dgamma, dbeta
