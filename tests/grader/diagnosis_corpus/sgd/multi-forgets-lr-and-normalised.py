# expect: forgets-lr, normalised-gradient
# kind: multi
# about: steps by the unit gradient without lr
import numpy as np


def sgd_step(w, grad, lr):
    direction = grad / np.linalg.norm(grad)
    return w - direction
