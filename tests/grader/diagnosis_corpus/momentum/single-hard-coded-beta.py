# expect: hard-coded-beta
# kind: single
# about: a module constant 0.9 used in place of the beta argument
MOMENTUM = 0.9


def momentum_step(w, grad, m, lr, beta=0.9):
    m = MOMENTUM * m + (1 - MOMENTUM) * grad
    return w - lr * m, m
