# expect: lr-inside-velocity
# kind: convention
# about: a velocity with the rate inside it, v = beta * v - lr * grad, then w = w + v
def momentum_step(w, grad, m, lr, beta=0.9):
    velocity = beta * m - lr * grad
    return w + velocity, velocity
