"""torch.optim.Adafactor itself, on its single-tensor code path."""

import torch


class Adafactor(torch.optim.Adafactor):
    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0):
        super().__init__(params, lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                         weight_decay=weight_decay, foreach=False)
