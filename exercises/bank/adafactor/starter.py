import math

import torch


class Adafactor(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0):
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d,
                    "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        """One Adafactor update of every parameter that has a gradient."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                # first call: state["step"] = 0, and either state["row_var"] and
                # state["col_var"] (a parameter with 2 or more dimensions) or
                # state["variance"] (a vector)
                # then: count the step, work out the relative step size from
                # the weight, decay p, update the second-moment estimate, and
                # take the clipped step
