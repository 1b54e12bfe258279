# expect: dx-without-gamma
# kind: single
# about: the compact dx formula applied to dy instead of dy * gamma


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    n, d = x.shape
    mean = x.mean(axis=1)[:, None]
    inv_std = (x.var(axis=1)[:, None] + eps) ** -0.5
    xhat = (x - mean) * inv_std
    y = xhat * gamma + beta
    dx = inv_std / d * (d * dy - dy.sum(axis=1)[:, None] - xhat * (dy * xhat).sum(axis=1)[:, None])
    return y, dx, (dy * xhat).sum(axis=0), dy.sum(axis=0)
