# expect: lr-inside-velocity
# kind: convention
# about: a velocity with the rate inside it, stepping w + beta * v - lr * grad
def nesterov_step(w, grad, m, lr, beta=0.9):
    v = beta * m - lr * grad
    w = w + beta * v - lr * grad
    return w, v
