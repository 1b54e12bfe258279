# expect: pass
# kind: real-style
# about: laid out like torch.optim.AdamW's single-tensor loop: param.mul_ first, then addcdiv
import math

import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    param, exp_avg, exp_avg_sq = w.copy(), m.copy(), v.copy()
    param *= 1 - lr * weight_decay
    exp_avg += (grad - exp_avg) * (1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * grad * grad
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    step_size = lr / bias_correction1
    denom = np.sqrt(exp_avg_sq) / math.sqrt(bias_correction2) + eps
    param -= step_size * exp_avg / denom
    return param, exp_avg, exp_avg_sq
