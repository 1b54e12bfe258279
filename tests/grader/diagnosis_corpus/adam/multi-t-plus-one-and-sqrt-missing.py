# expect: t-starts-at-zero, sqrt-missing
# kind: multi
# about: corrects with beta**(t + 1), and divides by v_hat instead of its square root
def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    w = w - lr * m_hat / (v_hat + eps)
    return w, m, v
