# expect: velocity-convention
# kind: real-style
# about: torch.optim.SGD's nesterov branch written out (dampening 0, grad.add(buf, alpha=momentum))
def nesterov_step(w, grad, m, lr, beta=0.9):
    momentum = beta
    buf = m * momentum + grad
    d_p = grad + momentum * buf
    return w - lr * d_p, buf
