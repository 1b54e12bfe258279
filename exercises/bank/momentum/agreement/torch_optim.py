"""The same update computed by torch.optim.SGD.

torch accumulates buf = momentum * buf + (1 - dampening) * grad and steps
param -= lr * buf. With momentum = beta and dampening = beta this is exactly
the moving average of the exercise. The buffer is handed to torch on every call
(even when it is all zeros): otherwise torch would start it as a plain copy of
the first gradient, without the (1 - beta) factor.
"""

import numpy as np
import torch


def momentum_step(w, grad, m, lr, beta=0.9):
    param = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    param.grad = torch.tensor(grad, dtype=torch.float64)
    optimizer = torch.optim.SGD([param], lr=lr, momentum=beta, dampening=beta)
    optimizer.state[param]["momentum_buffer"] = torch.tensor(m, dtype=torch.float64)
    optimizer.step()
    buffer = optimizer.state[param]["momentum_buffer"]
    return (param.detach().numpy().astype(np.float64, copy=True),
            buffer.numpy().astype(np.float64, copy=True))
