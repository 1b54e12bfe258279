# expect: no-bias-correction
# kind: single
# about: helper functions for the averages, and the raw moments go straight into the step
import numpy as np


def blend(average, sample, decay):
    return decay * average + (1 - decay) * sample


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = blend(m, grad, beta1)
    v = blend(v, grad**2, beta2)
    w = w - lr * m / (np.sqrt(v) + eps)
    return w, m, v
