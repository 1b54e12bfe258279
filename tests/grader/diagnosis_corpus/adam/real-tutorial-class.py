# expect: hard-coded-betas
# kind: real-style
# about: a tutorial-style Adam class whose step helper builds it with the default betas
import numpy as np


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def update(self, w, dw, m, v, t):
        m = self.beta1 * m + (1 - self.beta1) * dw
        v = self.beta2 * v + (1 - self.beta2) * (dw**2)
        m_corr = m / (1 - self.beta1**t)
        v_corr = v / (1 - self.beta2**t)
        w = w - self.lr * (m_corr / (np.sqrt(v_corr) + self.epsilon))
        return w, m, v


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return Adam(lr=lr, epsilon=eps).update(w, grad, m, v, t)
