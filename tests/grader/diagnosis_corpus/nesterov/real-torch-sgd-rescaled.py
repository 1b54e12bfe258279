# expect: pass
# kind: real-style
# about: torch's accumulating rule on a buffer rescaled by 1 / (1 - beta), with the rate scaled back
def nesterov_step(w, grad, m, lr, beta=0.9):
    buf = m / (1 - beta)
    buf = beta * buf + grad
    d_p = grad + beta * buf
    w = w - lr * (1 - beta) * d_p
    return w, buf * (1 - beta)
