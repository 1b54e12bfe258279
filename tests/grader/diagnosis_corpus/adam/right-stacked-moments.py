# expect: pass
# kind: right
# about: keeps both moments in one stacked array and updates them with one expression
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    decays = np.array([beta1, beta2]).reshape((2,) + (1,) * grad.ndim)
    samples = np.stack([grad, grad * grad])
    moments = decays * np.stack([m, v]) + (1 - decays) * samples
    corrected = moments / (1 - decays**t)
    w = w - lr * corrected[0] / (np.sqrt(corrected[1]) + eps)
    return w, moments[0], moments[1]
