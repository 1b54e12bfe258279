# expect: forgets-lr
# kind: single
# about: np.subtract of the raw gradient
import numpy as np


def sgd_step(w, grad, lr):
    return np.subtract(w, grad)
