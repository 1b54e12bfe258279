# expect: efficient-form
# kind: real-style
# about: older library AdamW code: decay first, then step_size = lr * sqrt(bias2) / bias1
import math

import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    p, exp_avg, exp_avg_sq = w.copy(), m.copy(), v.copy()
    p *= 1 - lr * weight_decay
    exp_avg *= beta1
    exp_avg += (1 - beta1) * grad
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * grad * grad
    denom = np.sqrt(exp_avg_sq) + eps
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    step_size = lr * math.sqrt(bias_correction2) / bias_correction1
    p -= step_size * exp_avg / denom
    return p, exp_avg, exp_avg_sq
