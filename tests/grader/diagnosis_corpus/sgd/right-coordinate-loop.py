# expect: pass
# kind: right
# about: a loop over coordinates into a fresh array
import numpy as np


def sgd_step(w, grad, lr):
    out = np.zeros_like(w)
    for i in range(w.shape[0]):
        out[i] = w[i] - lr * grad[i]
    return out
