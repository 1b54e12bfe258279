# expect: ascent, normalised-gradient
# kind: multi
# about: a unit direction, added instead of subtracted
import numpy as np


def unit(vector):
    return vector / np.linalg.norm(vector)


def sgd_step(w, grad, lr):
    return w + lr * unit(grad)
