# expect: ascent
# kind: single
# about: in place, adding lr * grad
def sgd_step(w, grad, lr):
    w += lr * grad
    return w
