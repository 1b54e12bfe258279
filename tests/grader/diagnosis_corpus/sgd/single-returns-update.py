# expect: returns-update
# kind: single
# about: builds the step and returns it instead of w + step
def sgd_step(w, grad, lr):
    step = -lr * grad
    return step
