# expect: sqrt-missing
# kind: single
# about: computes the corrected moments under other names and divides by v_hat itself
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    first = beta1 * m + (1.0 - beta1) * grad
    second = beta2 * v + (1.0 - beta2) * np.square(grad)
    first_hat = first / (1.0 - np.power(beta1, t))
    second_hat = second / (1.0 - np.power(beta2, t))
    return w - lr * first_hat / (second_hat + eps), first, second
