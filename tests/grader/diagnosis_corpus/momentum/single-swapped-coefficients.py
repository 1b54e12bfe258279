# expect: swapped-coefficients
# kind: single
# about: a coordinate loop with beta on the gradient and 1 - beta on the buffer
import numpy as np


def momentum_step(w, grad, m, lr, beta=0.9):
    w, m = np.array(w), np.array(m)
    for i in range(w.size):
        m[i] = (1 - beta) * m[i] + beta * grad[i]
        w[i] -= lr * m[i]
    return w, m
