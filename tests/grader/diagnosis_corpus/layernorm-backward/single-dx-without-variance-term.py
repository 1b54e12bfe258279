# expect: dx-without-variance-term
# kind: single
# about: centres the upstream gradient for the mean but forgets that the variance depends on x
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    centred = x - x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(np.mean(centred**2, axis=-1, keepdims=True) + eps)
    xhat = centred * rstd
    y = xhat * gamma + beta
    dxhat = dy * gamma
    dx = rstd * (dxhat - dxhat.mean(axis=-1, keepdims=True))
    dgamma = np.sum(dy * xhat, axis=0)
    dbeta = np.sum(dy, axis=0)
    return y, dx, dgamma, dbeta
