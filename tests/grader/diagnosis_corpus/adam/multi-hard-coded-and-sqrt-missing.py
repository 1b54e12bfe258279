# expect: hard-coded-betas, sqrt-missing
# kind: multi
# about: the betas are fixed, and the step divides by v_hat itself
def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    b1, b2 = 0.9, 0.999
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad * grad
    w = w - lr * (m / (1 - b1**t)) / (v / (1 - b2**t) + eps)
    return w, m, v
