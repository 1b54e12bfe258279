# expect: lr-inside-velocity
# kind: real-style
# about: the course-notes update: v = mu * v - learning_rate * dx; x += v
def momentum_step(w, grad, m, lr, beta=0.9):
    mu, learning_rate = beta, lr
    x, dx, v = w.copy(), grad, m.copy()
    v = mu * v - learning_rate * dx
    x += v
    return x, v
