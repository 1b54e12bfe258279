# expect: pass
# kind: right
# about: splits the update into small helpers for the moving average and the bias correction
import numpy as np


def moving_average(average, sample, decay):
    return decay * average + (1.0 - decay) * sample


def unbiased(average, decay, count):
    return average / (1.0 - decay**count)


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = moving_average(m, grad, beta1)
    v = moving_average(v, grad * grad, beta2)
    direction = unbiased(m, beta1, t) / (np.sqrt(unbiased(v, beta2, t)) + eps)
    return w - lr * direction, m, v
