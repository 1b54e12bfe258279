# expect: pass
# kind: right
# about: subtracts the two parts of the look-ahead separately
def nesterov_step(w, grad, m, lr, beta=0.9):
    m_new = beta * m + (1.0 - beta) * grad
    w_new = w - lr * beta * m_new - lr * (1.0 - beta) * grad
    return w_new, m_new
