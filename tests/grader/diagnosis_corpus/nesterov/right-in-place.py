# expect: pass
# kind: right
# about: in place; the look-ahead is a temporary built from the updated buffer
def nesterov_step(w, grad, m, lr, beta=0.9):
    m *= beta
    m += (1 - beta) * grad
    w -= lr * (beta * m + (1 - beta) * grad)
    return w, m
