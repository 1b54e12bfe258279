import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update. Return the new (w, m, v)."""
    # 1. update the running averages m (of grad) and v (of grad squared)
    # 2. correct their bias with the step count t (1 on the first call)
    # 3. step w by lr * m_hat / (sqrt(v_hat) + eps)
    return w, m, v
