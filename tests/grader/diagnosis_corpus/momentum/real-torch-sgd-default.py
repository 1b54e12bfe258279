# expect: velocity-convention
# kind: real-style
# about: torch.optim.SGD's buffer rule with its default dampening of 0
def momentum_step(w, grad, m, lr, beta=0.9):
    momentum, dampening = beta, 0.0
    buf = momentum * m + (1 - dampening) * grad
    param = w - lr * buf
    return param, buf
