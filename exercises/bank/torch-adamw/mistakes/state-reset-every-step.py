"""Creates fresh state on every call, so nothing carries over between steps."""

import torch

HINT = (
    "Your state is rebuilt on every call to step(): the moments restart from zero and the "
    "step count stays at 1, so every update looks like a first step. Create the buffers only "
    "when self.state[p] is still empty, and keep updating them afterwards."
)


class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr, (beta1, beta2) = group["lr"], group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                self.state[p] = {"step": 0, "exp_avg": torch.zeros_like(p),
                                 "exp_avg_sq": torch.zeros_like(p)}
                state = self.state[p]
                state["step"] += 1
                t = state["step"]
                p.mul_(1 - lr * group["weight_decay"])
                state["exp_avg"].mul_(beta1).add_(p.grad, alpha=1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                m_hat = state["exp_avg"] / (1 - beta1**t)
                v_hat = state["exp_avg_sq"] / (1 - beta2**t)
                p.sub_(lr * m_hat / (v_hat.sqrt() + group["eps"]))
