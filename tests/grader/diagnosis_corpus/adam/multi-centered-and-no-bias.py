# expect: centered-second-moment, no-bias-correction
# kind: multi
# about: v tracks a variance, and the step uses the raw moments
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    centred = grad - m
    v = beta2 * v + (1.0 - beta2) * centred * centred
    return w - lr * m / (np.sqrt(v) + eps), m, v
