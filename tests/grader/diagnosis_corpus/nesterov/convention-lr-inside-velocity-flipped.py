# expect: lr-inside-velocity
# kind: convention
# about: the sign-flipped velocity (v = beta * v + lr * grad, w -= beta * v + lr * grad), in place
def nesterov_step(w, grad, m, lr, beta=0.9):
    m *= beta
    m += lr * grad
    w -= beta * m + lr * grad
    return w, m
