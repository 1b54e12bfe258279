# expect: hard-coded-beta
# kind: single
# about: the blend helper with its decay fixed at 0.9
def blend(average, grad):
    return 0.9 * average + 0.1 * grad


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = blend(m, grad)
    return w - lr * blend(m, grad), m
