# expect: pass
# kind: right
# about: one blend helper used for the buffer and again for the look-ahead
def blend(average, grad, beta):
    return beta * average + (1 - beta) * grad


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = blend(m, grad, beta)
    return w - lr * blend(m, grad, beta), m
