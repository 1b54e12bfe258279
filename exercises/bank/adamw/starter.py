import numpy as np


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW update. Return the new (w, m, v)."""
    # 1. update the running averages m and v
    # 2. correct their bias with the step count t
    # 3. take the Adam step and the decoupled decay, both from the old w
    return w, m, v
