# expect: stores-lookahead, drops-gradient-term
# kind: multi
# about: returns the look-ahead as the buffer, and steps with beta * m only
def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1 - beta) * grad
    w = w - lr * beta * m
    lookahead = beta * m + (1 - beta) * grad
    return w, lookahead
