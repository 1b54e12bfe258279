# expect: normalised-gradient
# kind: single
# about: a unit direction from a helper, then a step of length lr
import numpy as np


def unit(vector):
    return vector / np.sqrt(np.sum(vector**2))


def sgd_step(w, grad, lr):
    return w - lr * unit(grad)
