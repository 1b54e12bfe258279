# expect: pass
# kind: real-style
# about: an optimizer-style loop over a list of parameters and gradients, updated in place
import numpy as np


def sgd_step(w, grad, lr):
    params, grads = [w], [grad]
    for param, g in zip(params, grads, strict=True):
        np.add(param, g * -lr, out=param)
    return params[0]
