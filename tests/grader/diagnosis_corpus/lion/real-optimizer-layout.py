# expect: pass
# kind: real-style
# about: laid out like a torch optimizer's update: decay, interpolate, sign, then the buffer
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    p = np.array(w, dtype=np.float64)
    exp_avg = np.array(m, dtype=np.float64)
    # stepweight decay
    p *= 1.0 - lr * weight_decay
    # the update is the sign of the interpolation between the momentum and the gradient
    update = exp_avg * beta1 + grad * (1.0 - beta1)
    p += np.sign(update) * -lr
    # the momentum running average uses its own coefficient
    exp_avg *= beta2
    exp_avg += grad * (1.0 - beta2)
    return p, exp_avg
