# expect: eps-in-squared-gradient
# kind: real-style
# about: the paper's Algorithm 4 on torch's interface: eps1 added to G**2, sums for the factors
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
            eps1, eps2 = group["eps"]
            for x in group["params"]:
                if x.grad is None:
                    continue
                G = x.grad
                e1 = torch.finfo(x.dtype).eps if eps1 is None else eps1
                state = self.state[x]
                if not state:
                    state["step"] = 0
                    if G.dim() == 2:
                        state["row_var"] = G.new_zeros(G.shape[0], 1)
                        state["col_var"] = G.new_zeros(1, G.shape[1])
                    else:
                        state["variance"] = torch.zeros_like(G)
                state["step"] += 1
                t = state["step"]
                rho = min(group["lr"], 1.0 / math.sqrt(t))
                alpha = max(eps2, x.pow(2).mean().sqrt().item()) * rho
                beta2_hat = 1.0 - t ** group["beta2_decay"]
                x.mul_(1.0 - group["lr"] * group["weight_decay"])
                sq = G * G + e1
                if G.dim() == 2:
                    n, m = G.shape
                    R, C = state["row_var"], state["col_var"]
                    # R_t = beta R + (1 - beta) (G^2 + eps1) 1_m, kept as a mean over the m columns
                    R.mul_(beta2_hat).add_(sq.sum(dim=1, keepdim=True) / m, alpha=1 - beta2_hat)
                    C.mul_(beta2_hat).add_(sq.sum(dim=0, keepdim=True) / n, alpha=1 - beta2_hat)
                    V = R @ C / R.mean()
                else:
                    V = state["variance"]
                    V.mul_(beta2_hat).add_(sq, alpha=1 - beta2_hat)
                U = G / V.sqrt()
                U_hat = U / max(1.0, U.pow(2).mean().sqrt().item() / group["d"])
                x.sub_(alpha * U_hat)
