# expect: pass
# kind: right
# about: builds the step as -lr * grad and adds it
def sgd_step(w, grad, lr):
    step = -lr * grad
    return w + step
