# expect: hard-coded-beta, update-before-average
# kind: multi
# about: steps with the old buffer, then blends with a fixed 0.9
def momentum_step(w, grad, m, lr, beta=0.9):
    w = w - lr * m
    m = 0.9 * m + 0.1 * grad
    return w, m
