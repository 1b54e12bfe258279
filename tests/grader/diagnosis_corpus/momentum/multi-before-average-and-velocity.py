# expect: update-before-average, velocity-convention
# kind: multi
# about: steps with the old buffer, then accumulates the whole gradient into it
def momentum_step(w, grad, m, lr, beta=0.9):
    w = w - lr * m
    m = beta * m + grad
    return w, m
