# expect: pass
# kind: real-style
# about: laid out like torch.optim.Adam's single-tensor loop (exp_avg, bias_correction, denom)
import math

import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    param, exp_avg, exp_avg_sq = w.copy(), m.copy(), v.copy()
    exp_avg *= beta1
    exp_avg += (1 - beta1) * grad
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * grad * grad
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    step_size = lr / bias_correction1
    bias_correction2_sqrt = math.sqrt(bias_correction2)
    denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
    param -= step_size * exp_avg / denom
    return param, exp_avg, exp_avg_sq
