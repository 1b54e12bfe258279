import numpy as np


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1.0 - beta) * grad
    lookahead = beta * m + (1.0 - beta) * grad
    w = w - lr * lookahead
    return w, m
