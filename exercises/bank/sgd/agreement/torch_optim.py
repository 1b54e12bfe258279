"""The same update computed by torch.optim.SGD (no momentum, no weight decay)."""

import numpy as np
import torch


def sgd_step(w, grad, lr):
    param = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    param.grad = torch.tensor(grad, dtype=torch.float64)
    optimizer = torch.optim.SGD([param], lr=lr, momentum=0.0, weight_decay=0.0)
    optimizer.step()
    return param.detach().numpy().astype(np.float64, copy=True)
