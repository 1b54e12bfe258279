# expect: ascent, forgets-lr
# kind: multi
# about: adds the raw gradient to w
def sgd_step(w, grad, lr):
    w = w + grad
    return w
