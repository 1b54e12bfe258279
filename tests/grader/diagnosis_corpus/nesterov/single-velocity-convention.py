# expect: velocity-convention
# kind: single
# about: in place with an accumulating buffer and the step grad + beta * m
def nesterov_step(w, grad, m, lr, beta=0.9):
    m *= beta
    m += grad
    w -= lr * (grad + beta * m)
    return w, m
