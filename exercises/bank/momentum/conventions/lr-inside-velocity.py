"""Keeps a velocity with the learning rate inside it: v = beta * v - lr * grad, w = w + v."""

import numpy as np

NOTE = (
    "The velocity form of CS231n and Keras. Its v is -lr / (1 - beta) times the exercise's "
    "m, so its w is the reference's w run with lr / (1 - beta); the sign-flipped form "
    "(v = beta * v + lr * grad, w = w - v) gives the same w."
)


def momentum_step(w, grad, m, lr, beta=0.9):
    m = beta * m - lr * grad
    w = w + m
    return w, m
