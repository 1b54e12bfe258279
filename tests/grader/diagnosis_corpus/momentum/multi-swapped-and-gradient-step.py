# expect: swapped-coefficients, steps-with-gradient
# kind: multi
# about: the buffer's weights are swapped, and w moves with the raw gradient
def momentum_step(w, grad, m, lr, beta=0.9):
    m = (1.0 - beta) * m + beta * grad
    w = w - lr * grad
    return w, m
