# expect: stats-treated-as-constants
# kind: real-style
# about: a tutorial's "simplified" backward that divides the upstream gradient by the std and stops
import numpy as np


class LayerNorm:
    def __init__(self, gamma, beta, eps):
        self.gamma, self.beta, self.eps = gamma, beta, eps

    def forward(self, x):
        self.mean = x.mean(axis=-1, keepdims=True)
        self.std = np.sqrt(x.var(axis=-1, keepdims=True) + self.eps)
        self.x_hat = (x - self.mean) / self.std
        return self.gamma * self.x_hat + self.beta

    def backward(self, grad):
        self.dgamma = (grad * self.x_hat).sum(axis=0)
        self.dbeta = grad.sum(axis=0)
        # mean and std are statistics of the batch row; treat them as fixed
        return grad * self.gamma / self.std


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    layer = LayerNorm(gamma, beta, eps)
    y = layer.forward(x)
    dx = layer.backward(dy)
    return y, dx, layer.dgamma, layer.dbeta
