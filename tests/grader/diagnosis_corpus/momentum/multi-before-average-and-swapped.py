# expect: update-before-average, swapped-coefficients
# kind: multi
# about: steps with the old buffer, then blends with swapped weights
def momentum_step(w, grad, m, lr, beta=0.9):
    w = w - lr * m
    m = (1 - beta) * m + beta * grad
    return w, m
