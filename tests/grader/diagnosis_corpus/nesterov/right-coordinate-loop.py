# expect: pass
# kind: right
# about: a loop over coordinates on copies of the arrays
def nesterov_step(w, grad, m, lr, beta=0.9):
    w, m = w.copy(), m.copy()
    for i, g in enumerate(grad):
        m[i] = beta * m[i] + (1 - beta) * g
        w[i] = w[i] - lr * (beta * m[i] + (1 - beta) * g)
    return w, m
