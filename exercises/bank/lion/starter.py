import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    """One Lion update. Return the new (w, m)."""
    # 1. blend the momentum and the gradient with beta1, and keep only the sign
    # 2. step by lr along that sign, with the decoupled decay from the old w
    # 3. only then update the momentum, with beta2
    return w, m
