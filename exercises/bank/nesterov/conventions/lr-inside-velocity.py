"""Keeps a velocity with the learning rate inside it, in Keras' Nesterov form."""

import numpy as np

NOTE = (
    "Keras' Nesterov form. Its v is -lr / (1 - beta) times the exercise's m and its step is "
    "-lr / (1 - beta) times the exercise's look-ahead, so its w is the reference's w run with "
    "lr / (1 - beta); the sign-flipped form (v = beta * v + lr * grad, "
    "w = w - beta * v - lr * grad) gives the same w."
)


def nesterov_step(w, grad, m, lr, beta=0.9):
    m = beta * m - lr * grad
    w = w + beta * m - lr * grad
    return w, m
