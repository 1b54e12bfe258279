# expect: bias-correction-without-power, centered-second-moment
# kind: multi
# about: v averages (grad - m)**2, and the correction divides by 1 - beta without the power
import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad - m) ** 2
    m_hat = m / (1 - beta1)
    v_hat = v / (1 - beta2)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v
