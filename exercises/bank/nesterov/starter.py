import numpy as np


def nesterov_step(w, grad, m, lr, beta=0.9):
    """One Nesterov momentum update. Return the new (w, m)."""
    # 1. blend the new gradient into the buffer m
    # 2. step w with the look-ahead: the buffer pushed one more step ahead
    return w, m
