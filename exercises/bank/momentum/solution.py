import numpy as np


def momentum_step(w, grad, m, lr, beta=0.9):
    m = beta * m + (1.0 - beta) * grad
    w = w - lr * m
    return w, m
