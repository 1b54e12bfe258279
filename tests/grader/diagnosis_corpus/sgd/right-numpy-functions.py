# expect: pass
# kind: right
# about: np.subtract and np.multiply instead of operators
import numpy as np


def sgd_step(w, grad, lr):
    return np.subtract(w, np.multiply(lr, grad))
