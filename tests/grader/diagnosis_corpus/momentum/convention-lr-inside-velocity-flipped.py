# expect: lr-inside-velocity
# kind: convention
# about: the sign-flipped velocity, v = beta * v + lr * grad, then w = w - v, in place
def momentum_step(w, grad, m, lr, beta=0.9):
    m *= beta
    m += lr * grad
    w -= m
    return w, m
