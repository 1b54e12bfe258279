# expect: pass
# kind: right
# about: moves m towards the gradient by a fraction 1 - beta (m + (1 - beta) * (grad - m))
def momentum_step(w, grad, m, lr, beta=0.9):
    m = m + (1.0 - beta) * (grad - m)
    return w - lr * m, m
