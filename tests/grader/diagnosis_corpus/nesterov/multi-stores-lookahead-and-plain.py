# expect: stores-lookahead, plain-momentum
# kind: multi
# about: steps with the buffer itself, and returns the look-ahead as the buffer
def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1 - beta) * grad
    w = w - lr * m
    return w, beta * m + (1 - beta) * grad
