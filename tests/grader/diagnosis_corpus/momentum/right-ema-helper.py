# expect: pass
# kind: right
# about: an exponential-moving-average helper and np.subtract for the step
import numpy as np


def ema(previous, sample, decay):
    return decay * previous + (1.0 - decay) * sample


def momentum_step(w, grad, m, lr, beta=0.9):
    velocity = ema(m, grad, beta)
    return np.subtract(w, lr * velocity), velocity
