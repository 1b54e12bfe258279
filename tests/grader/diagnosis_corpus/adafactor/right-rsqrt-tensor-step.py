# expect: pass
# kind: right
# about: a float32 tensor step as torch keeps it, torch.norm for the means, rsqrt_ for the update
import torch


class Adafactor(torch.optim.Optimizer):
    def __init__(
        self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0
    ):
        super().__init__(
            params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay)
        )

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            eps1, eps2 = group["eps"]
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if eps1 is None:
                    eps1 = torch.finfo(param.dtype).eps
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    if grad.dim() > 1:
                        shape = list(grad.shape)
                        state["row_var"] = grad.new_zeros(shape[:-1] + [1])
                        state["col_var"] = grad.new_zeros(shape[:-2] + [1, shape[-1]])
                    else:
                        state["variance"] = torch.zeros_like(grad)
                state["step"] += 1
                step = state["step"].item()
                one_minus_beta2 = step ** group["beta2_decay"]
                rho = min(group["lr"], 1 / step**0.5)
                alpha = max(eps2, param.norm(2).item() / param.numel() ** 0.5) * rho
                if group["weight_decay"] != 0:
                    param.mul_(1 - group["lr"] * group["weight_decay"])
                if grad.dim() > 1:
                    row_mean = torch.norm(grad, dim=-1, keepdim=True).square_().div_(grad.size(-1))
                    col_mean = torch.norm(grad, dim=-2, keepdim=True).square_().div_(grad.size(-2))
                    state["row_var"].lerp_(row_mean, one_minus_beta2)
                    state["col_var"].lerp_(col_mean, one_minus_beta2)
                    estimate = state["row_var"] @ state["col_var"]
                    estimate.div_(state["row_var"].mean(dim=-2, keepdim=True).clamp_(min=eps1))
                else:
                    state["variance"].lerp_(grad * grad, one_minus_beta2)
                    estimate = state["variance"].clone()
                update = estimate.clamp_(min=eps1 * eps1).rsqrt_().mul_(grad)
                clip = max(1.0, update.norm(2).item() / (update.numel() ** 0.5 * group["d"]))
                param.add_(update, alpha=-alpha / clip)
