"""The same update computed by torch.optim.AdamW.

A fresh optimizer is built on every call and its state is loaded from the
arrays the grader carries: exp_avg is m, exp_avg_sq is v, and step is t - 1,
because torch counts the step before it applies the bias correction. torch
shrinks the parameter by 1 - lr * weight_decay before the Adam step, which is
the decay from the old weight that the exercise asks for.
"""

import numpy as np
import torch


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    param = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    param.grad = torch.tensor(grad, dtype=torch.float64)
    optimizer = torch.optim.AdamW([param], lr=lr, betas=(beta1, beta2), eps=eps,
                                  weight_decay=weight_decay, amsgrad=False, foreach=False)
    optimizer.state[param] = {
        "step": torch.tensor(float(t - 1)),
        "exp_avg": torch.tensor(m, dtype=torch.float64),
        "exp_avg_sq": torch.tensor(v, dtype=torch.float64),
    }
    optimizer.step()
    state = optimizer.state[param]
    return (param.detach().numpy().astype(np.float64, copy=True),
            state["exp_avg"].numpy().astype(np.float64, copy=True),
            state["exp_avg_sq"].numpy().astype(np.float64, copy=True))
