# expect: constant-beta2, eps-added-to-root
# kind: real-style
# about: an Adam implementation turned into Adafactor, keeping beta2 = 0.999 and sqrt(v) + eps
import math

import torch


class Adafactor(torch.optim.Optimizer):
    def __init__(
        self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0
    ):
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "beta2": 0.999,
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta2 = group["beta2"]
            eps, eps2 = group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if eps is None:
                    eps = torch.finfo(p.dtype).eps
                grad = p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    if grad.dim() > 1:
                        state["row_var"] = torch.zeros_like(grad[:, :1])
                        state["col_var"] = torch.zeros_like(grad[:1, :])
                    else:
                        state["variance"] = torch.zeros_like(grad)
                state["step"] += 1
                lr = min(group["lr"], 1 / math.sqrt(state["step"]))
                lr *= max(eps2, p.norm().item() / math.sqrt(p.numel()))
                p.mul_(1 - group["lr"] * group["weight_decay"])
                if grad.dim() > 1:
                    row_var, col_var = state["row_var"], state["col_var"]
                    row_var.mul_(beta2).add_((grad * grad).mean(1, keepdim=True), alpha=1 - beta2)
                    col_var.mul_(beta2).add_((grad * grad).mean(0, keepdim=True), alpha=1 - beta2)
                    denom = (row_var * col_var / row_var.mean().clamp(min=eps)).sqrt().add_(eps)
                else:
                    state["variance"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                    denom = state["variance"].sqrt().add_(eps)
                update = grad / denom
                rms = update.norm().item() / math.sqrt(update.numel())
                p.add_(update, alpha=-lr / max(1.0, rms / group["d"]))
