# expect: pass
# kind: right
# about: subtracts the step in place and returns the same array
def sgd_step(w, grad, lr):
    w -= lr * grad
    return w
