# expect: eps-outside-sqrt, param-grads-averaged
# kind: multi
# about: eps added to the standard deviation, and the parameter gradients averaged over rows
import numpy as np


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mean = x.mean(axis=1, keepdims=True)
    std = np.sqrt(((x - mean) ** 2).mean(axis=1, keepdims=True)) + eps
    xhat = (x - mean) / std
    y = gamma * xhat + beta
    dxhat = dy * gamma
    dx = (
        dxhat
        - dxhat.mean(axis=1, keepdims=True)
        - xhat * (dxhat * xhat).mean(axis=1, keepdims=True)
    ) / std
    return y, dx, (dy * xhat).mean(axis=0), dy.mean(axis=0)
