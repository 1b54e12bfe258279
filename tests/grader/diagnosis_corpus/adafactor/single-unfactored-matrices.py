# expect: unfactored-matrices
# kind: single
# about: one full variance buffer per parameter, matrices included, as in Adam

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
            eps1, eps2 = group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                floor = eps1 if eps1 is not None else torch.finfo(p.dtype).eps
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["variance"] = torch.zeros_like(g)
                state["step"] += 1
                t = state["step"]
                beta2 = 1.0 - t ** group["beta2_decay"]
                rms_p = torch.sqrt(torch.mean(p * p)).item()
                alpha = max(eps2, rms_p) * min(group["lr"], t**-0.5)
                p.mul_(1.0 - group["lr"] * group["weight_decay"])
                g2 = g * g
                state["variance"].mul_(beta2).add_(g2, alpha=1.0 - beta2)
                v = state["variance"]
                u = g / torch.sqrt(torch.clamp(v, min=floor**2))
                rms_u = torch.sqrt(torch.mean(u * u)).item()
                p.add_(u, alpha=-alpha / max(1.0, rms_u / group["d"]))
