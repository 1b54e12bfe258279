# expect: pass
# kind: right
# about: m and w updated in place
def momentum_step(w, grad, m, lr, beta=0.9):
    m *= beta
    m += (1 - beta) * grad
    w -= lr * m
    return w, m
