# expect: pass
# kind: right
# about: reads the step size from a copy of the old weight and applies the decay to that copy
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
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr = group["lr"]
            eps1, eps2 = group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                eps1 = torch.finfo(p.dtype).eps if eps1 is None else eps1
                grad = p.grad
                state = self.state[p]
                if "step" not in state:
                    state["step"] = 0
                    if grad.dim() >= 2:
                        state["row_var"] = grad.new_zeros(*grad.shape[:-1], 1)
                        state["col_var"] = grad.new_zeros(*grad.shape[:-2], 1, grad.shape[-1])
                    else:
                        state["variance"] = grad.new_zeros(grad.shape)
                state["step"] += 1
                t = state["step"]
                w = t ** group["beta2_decay"]
                old = p.detach().clone()
                if grad.dim() >= 2:
                    row, col = state["row_var"], state["col_var"]
                    row.copy_((1 - w) * row + w * (grad**2).mean(-1, keepdim=True))
                    col.copy_((1 - w) * col + w * (grad**2).mean(-2, keepdim=True))
                    vhat = row @ col / row.mean(-2, keepdim=True).clamp(min=eps1)
                else:
                    var = state["variance"]
                    var.copy_((1 - w) * var + w * grad**2)
                    vhat = var
                u = grad / vhat.clamp(min=eps1**2).sqrt()
                u_rms = math.sqrt(u.pow(2).mean().item())
                old_rms = math.sqrt(old.pow(2).mean().item())
                size = max(eps2, old_rms) * min(lr, 1 / math.sqrt(t)) / max(1.0, u_rms / group["d"])
                p.copy_(old - lr * group["weight_decay"] * old - size * u)
