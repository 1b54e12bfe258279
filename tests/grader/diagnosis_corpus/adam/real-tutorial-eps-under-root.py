# expect: eps-inside-sqrt
# kind: real-style
# about: a commented tutorial-style update that keeps eps under the root, as some blog posts do
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    # moving averages of the gradient and of its square
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad**2)
    # bias-corrected estimates
    mhat = m / (1 - beta1**t)
    vhat = v / (1 - beta2**t)
    # parameter update
    w = w - lr * mhat / np.sqrt(vhat + eps)
    return w, m, v
