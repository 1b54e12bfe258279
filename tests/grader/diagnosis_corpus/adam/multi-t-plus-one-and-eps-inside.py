# expect: t-starts-at-zero, eps-inside-sqrt
# kind: multi
# about: helpers; the correction uses t + 1 and eps goes under the square root
import numpy as np


def corrected(average, decay, t):
    return average / (1 - decay ** (t + 1))


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    w = w - lr * corrected(m, beta1, t) / np.sqrt(corrected(v, beta2, t) + eps)
    return w, m, v
