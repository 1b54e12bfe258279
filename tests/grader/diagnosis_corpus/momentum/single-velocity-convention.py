# expect: velocity-convention
# kind: single
# about: accumulates the whole gradient into the buffer (m = beta * m + grad)
import numpy as np


def momentum_step(w, grad, m, lr, beta=0.9):
    buffer = np.add(beta * m, grad)
    return w - lr * buffer, buffer
