"""Uses the raw moments without dividing by 1 - beta**t."""

import torch

HINT = (
    "Your first steps have the wrong size: exp_avg and exp_avg_sq start at zero, so early on "
    "they underestimate the gradient statistics. Divide exp_avg by 1 - beta1**t and exp_avg_sq "
    "by 1 - beta2**t, with t = state[\"step\"] counted from 1, before taking the step."
)


class AdamW(torch.optim.Optimizer):
    """Adam with decoupled weight decay, laid out like torch.optim.AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2) = group["lr"], group["betas"]
            eps, weight_decay = group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]

                # Decoupled decay, from the weight as it was before this step.
                p.mul_(1 - lr * weight_decay)

                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                p.sub_(lr * exp_avg / (exp_avg_sq.sqrt() + eps))
        return loss
