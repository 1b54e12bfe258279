# expect: pass
# kind: right
# about: vectorised with sums over the row and a reciprocal square root, new arrays throughout
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    d = x.shape[-1]
    centred = x - np.sum(x, axis=-1, keepdims=True) / d
    rstd = 1.0 / np.sqrt(np.sum(centred * centred, axis=-1, keepdims=True) / d + eps)
    xhat = centred * rstd
    y = np.add(np.multiply(xhat, gamma), beta)
    g = dy * gamma
    sum_g = np.sum(g, axis=-1, keepdims=True)
    sum_gx = np.sum(g * xhat, axis=-1, keepdims=True)
    dx = rstd * (g - (sum_g + xhat * sum_gx) / d)
    return y, dx, np.einsum("ij,ij->j", dy, xhat), np.einsum("ij->j", dy)
