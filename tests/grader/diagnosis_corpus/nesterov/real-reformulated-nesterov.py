# expect: lr-inside-velocity
# kind: real-style
# about: the reformulation from the deep-learning literature: w += -mu * v_prev + (1 + mu) * v
def nesterov_step(w, grad, m, lr, beta=0.9):
    mu = beta
    v_prev = m
    v = mu * m - lr * grad
    w = w - mu * v_prev + (1 + mu) * v
    return w, v
