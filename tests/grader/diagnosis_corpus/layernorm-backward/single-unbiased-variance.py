# expect: unbiased-variance
# kind: single
# about: np.var with ddof=1, as for a sample estimate, and a staged backward pass that follows it
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    d = x.shape[1]
    mean = np.mean(x, axis=1, keepdims=True)
    xmu = x - mean
    var = np.var(x, axis=1, ddof=1, keepdims=True)
    inv = 1.0 / np.sqrt(var + eps)
    xhat = xmu * inv
    out = gamma * xhat + beta
    dxhat = dy * gamma
    dvar = -0.5 * inv**3 * np.sum(dxhat * xmu, axis=1, keepdims=True)
    dmean = -inv * np.sum(dxhat, axis=1, keepdims=True)
    dx = dxhat * inv + dvar * 2.0 * xmu / (d - 1) + dmean / d
    return out, dx, np.sum(dy * xhat, axis=0), np.sum(dy, axis=0)
