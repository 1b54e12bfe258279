# expect: efficient-form
# kind: single
# about: two passes, with step size lr * sqrt(bias2) / bias1 and eps added to the raw sqrt(v)
import math

import torch


class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    def _active(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    yield group, p

    @torch.no_grad()
    def step(self, closure=None):
        for group, p in self._active():
            p.mul_(1 - group["lr"] * group["weight_decay"])
        for group, p in self._active():
            beta1, beta2 = group["betas"]
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = torch.zeros_like(p)
                state["exp_avg_sq"] = torch.zeros_like(p)
            state["step"] += 1
            t = state["step"]
            m, v = state["exp_avg"], state["exp_avg_sq"]
            m.mul_(beta1).add_((1 - beta1) * p.grad)
            v.mul_(beta2).add_((1 - beta2) * p.grad * p.grad)
            step_size = group["lr"] * math.sqrt(1 - beta2**t) / (1 - beta1**t)
            p.addcdiv_(m, v.sqrt().add_(group["eps"]), value=-step_size)
