# expect: returns-update, normalised-gradient
# kind: multi
# about: returns the step instead of the new w, and the step has length lr
import numpy as np


def sgd_step(w, grad, lr):
    direction = grad / np.linalg.norm(grad)
    return -lr * direction
