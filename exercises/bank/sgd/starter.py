import numpy as np


def sgd_step(w, grad, lr):
    """One gradient-descent update. Return the new w."""
    # Move w against the gradient, scaled by the learning rate.
    return w
