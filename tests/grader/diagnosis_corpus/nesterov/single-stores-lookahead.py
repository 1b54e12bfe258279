# expect: stores-lookahead
# kind: single
# about: the blend helper used twice, but the look-ahead is what is returned as m
def blend(average, grad, beta):
    return beta * average + (1 - beta) * grad


def nesterov_step(w, grad, m, lr, beta=0.9):
    lookahead = blend(blend(m, grad, beta), grad, beta)
    return w - lr * lookahead, lookahead
