# expect: hard-coded-beta, drops-gradient-term
# kind: multi
# about: a fixed 0.9 in the buffer, and the step is 0.9 * m without the gradient term
def nesterov_step(w, grad, m, lr, beta=0.9):
    m = 0.9 * m + 0.1 * grad
    w = w - lr * 0.9 * m
    return w, m
