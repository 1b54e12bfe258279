"""The same update computed by torch.optim.SGD(nesterov=True).

torch's Nesterov needs dampening = 0, so it keeps an accumulating buffer
b = beta * b + g and steps param -= lr_torch * (g + beta * b). Writing
b = m / (1 - beta) and lr_torch = lr * (1 - beta) turns that into the
exercise's rule exactly:
    m_t = beta * m + (1 - beta) * g,   w -= lr * (beta * m_t + (1 - beta) * g).
The buffer is rescaled on the way in and out, and handed to torch on every call
so that torch never starts it from a copy of the first gradient.
"""

import numpy as np
import torch


def nesterov_step(w, grad, m, lr, beta=0.9):
    param = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    param.grad = torch.tensor(grad, dtype=torch.float64)
    optimizer = torch.optim.SGD([param], lr=lr * (1.0 - beta), momentum=beta,
                                dampening=0.0, nesterov=True)
    optimizer.state[param]["momentum_buffer"] = torch.tensor(m / (1.0 - beta), dtype=torch.float64)
    optimizer.step()
    buffer = optimizer.state[param]["momentum_buffer"] * (1.0 - beta)
    return (param.detach().numpy().astype(np.float64, copy=True),
            buffer.numpy().astype(np.float64, copy=True))
