# expect: steps-with-gradient
# kind: single
# about: in place; the buffer is averaged but w moves with the raw gradient
def momentum_step(w, grad, m, lr, beta=0.9):
    m *= beta
    m += (1 - beta) * grad
    w -= lr * grad
    return w, m
