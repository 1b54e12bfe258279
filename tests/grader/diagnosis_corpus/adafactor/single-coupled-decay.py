# expect: coupled-decay
# kind: single
# about: an L2 term wd * p added to the gradient that feeds the factors and the update
import math

import torch


def _rms(x):
    return x.norm().item() / math.sqrt(x.numel())


def _factored(row, col, eps1):
    outer = torch.outer(row.squeeze(-1), col.squeeze(-2))
    return outer / max(row.mean().item(), eps1)


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
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, tau, d, wd = group["lr"], group["beta2_decay"], group["d"], group["weight_decay"]
            eps1, eps2 = group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                e1 = torch.finfo(p.dtype).eps if eps1 is None else eps1
                state = self.state[p]
                factored = p.dim() > 1
                if not state:
                    state["step"] = 0
                    if factored:
                        state["row_var"] = p.new_zeros(p.shape[0], 1)
                        state["col_var"] = p.new_zeros(1, p.shape[1])
                    else:
                        state["variance"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                weight = t**tau
                alpha = max(eps2, _rms(p)) * min(lr, 1 / math.sqrt(t))
                grad = p.grad + wd * p
                sq = grad.square()
                if factored:
                    state["row_var"].lerp_(sq.mean(dim=1, keepdim=True), weight)
                    state["col_var"].lerp_(sq.mean(dim=0, keepdim=True), weight)
                    estimate = _factored(state["row_var"], state["col_var"], e1)
                else:
                    state["variance"].lerp_(sq, weight)
                    estimate = state["variance"]
                update = grad / estimate.clamp(min=e1 * e1).sqrt()
                p.sub_(alpha / max(1.0, _rms(update) / d) * update)
        return loss
