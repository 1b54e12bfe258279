# expect: decay-without-lr, sign-of-gradient
# kind: multi
# about: signSGD with a decay of weight_decay * w that lr does not scale
import numpy as np


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    new_w = w - lr * np.sign(grad) - weight_decay * w
    new_m = beta2 * m + (1 - beta2) * grad
    return new_w, new_m
