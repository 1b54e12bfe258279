# expect: unbiased-variance
# kind: real-style
# about: ported from torch code that used Tensor.var's default, kept as ddof=1 "to match"


def layer_norm_forward_backward(x, gamma, beta, dy, eps):
    # torch: var = x.var(-1, keepdim=True); numpy needs ddof=1 for the same number
    n_feat = x.shape[-1]
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, ddof=1, keepdims=True)
    rstd = (var + eps) ** -0.5
    x_norm = (x - mean) * rstd
    out = x_norm * gamma + beta

    grad_xn = dy * gamma
    grad_var = (grad_xn * (x - mean)).sum(-1, keepdims=True) * -0.5 * rstd**3
    grad_mean = -(grad_xn * rstd).sum(-1, keepdims=True)
    grad_x = grad_xn * rstd + grad_var * 2.0 * (x - mean) / (n_feat - 1) + grad_mean / n_feat
    return out, grad_x, (dy * x_norm).sum(0), dy.sum(0)
