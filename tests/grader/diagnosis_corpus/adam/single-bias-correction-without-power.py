# expect: bias-correction-without-power
# kind: single
# about: a helper that "unbiases" by dividing by 1 - beta, without the power t
import numpy as np


def unbias(average, decay):
    return average / (1.0 - decay)


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * np.square(grad)
    return w - lr * unbias(m, beta1) / (np.sqrt(unbias(v, beta2)) + eps), m, v
