# expect: plain-momentum
# kind: single
# about: the blend helper used once: steps with the buffer itself
def blend(average, grad, beta):
    return beta * average + (1 - beta) * grad


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = blend(m, grad, beta)
    return w - lr * m, m
