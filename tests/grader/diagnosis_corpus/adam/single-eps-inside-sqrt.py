# expect: eps-inside-sqrt
# kind: single
# about: a loop over coordinates that adds eps under math.sqrt
import math


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    w, m, v = w.copy(), m.copy(), v.copy()
    for i in range(w.size):
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] ** 2
        m_hat = m[i] / (1 - beta1**t)
        v_hat = v[i] / (1 - beta2**t)
        w[i] -= lr * m_hat / math.sqrt(v_hat + eps)
    return w, m, v
