"""The same update on torch tensors, laid out as a torch optimizer would do it.

The parameter is shrunk in place by 1 - lr * weight_decay first (the decoupled
decay, read from the old weight), then moved by -lr times the sign of the
interpolated momentum; the buffer is updated last with torch.lerp.
"""

import numpy as np
import torch


def lion_step(w, grad, m, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
    param = torch.tensor(w, dtype=torch.float64)
    g = torch.tensor(grad, dtype=torch.float64)
    exp_avg = torch.tensor(m, dtype=torch.float64)

    update = torch.lerp(g, exp_avg, beta1).sign_()
    param.mul_(1.0 - lr * weight_decay)
    param.add_(update, alpha=-lr)
    exp_avg.lerp_(g, 1.0 - beta2)

    return (param.numpy().astype(np.float64, copy=True),
            exp_avg.numpy().astype(np.float64, copy=True))
