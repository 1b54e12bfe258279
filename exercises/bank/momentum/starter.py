import numpy as np


def momentum_step(w, grad, m, lr, beta=0.9):
    """One momentum update. Return the new (w, m)."""
    # 1. blend the new gradient into the buffer m
    # 2. step w against the buffer
    return w, m
