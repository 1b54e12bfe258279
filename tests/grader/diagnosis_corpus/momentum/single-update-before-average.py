# expect: update-before-average
# kind: single
# about: in place; steps w with the buffer before the new gradient is blended in
def momentum_step(w, grad, m, lr, beta=0.9):
    w -= lr * m
    m *= beta
    m += (1.0 - beta) * grad
    return w, m
