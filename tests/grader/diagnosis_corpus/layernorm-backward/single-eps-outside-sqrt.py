# expect: eps-outside-sqrt
# kind: single
# about: x.std() plus eps as the denominator, otherwise right


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    mu = x.mean(axis=1, keepdims=True)
    sigma = x.std(axis=1, keepdims=True) + eps
    xhat = (x - mu) / sigma
    y = gamma * xhat + beta
    g = gamma * dy
    dx = (g - g.mean(axis=1, keepdims=True) - xhat * (g * xhat).mean(axis=1, keepdims=True)) / sigma
    return y, dx, (dy * xhat).sum(axis=0), dy.sum(axis=0)
