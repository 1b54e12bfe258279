# expect: drops-gradient-term
# kind: single
# about: in place, and the look-ahead is beta * m alone
def nesterov_step(w, grad, m, lr, beta=0.9):
    m *= beta
    m += (1 - beta) * grad
    w -= lr * beta * m
    return w, m
