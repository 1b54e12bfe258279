# expect: pass
# kind: real-style
# about: torch.optim.SGD's buffer rule written out with dampening equal to momentum
def momentum_step(w, grad, m, lr, beta=0.9):
    momentum, dampening = beta, beta
    buf = m.copy()
    buf *= momentum
    buf += (1 - dampening) * grad
    param = w - lr * buf
    return param, buf
