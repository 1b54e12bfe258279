# expect: hard-coded-beta, steps-with-gradient
# kind: multi
# about: the buffer uses 0.9 and 0.1 whatever beta is, and w moves with the raw gradient
def momentum_step(w, grad, m, lr, beta=0.9):
    m = 0.9 * m + 0.1 * grad
    w = w - lr * grad
    return w, m
