"""Applies the weight decay after the step instead of before it."""

import math

import torch

HINT = (
    "Your decay shrinks the parameter after the Adafactor step has moved it (computing the "
    "step size from the decayed weight has the same effect). torch.optim.Adafactor reads "
    "the weight's RMS, then multiplies p by 1 - lr * weight_decay, and only then takes the "
    "step: decay first, from the weight as it was."
)


class Adafactor(torch.optim.Optimizer):
    """Adafactor without a first moment, laid out like torch.optim.Adafactor."""

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0):
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d,
                    "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, beta2_decay, d = group["lr"], group["beta2_decay"], group["d"]
            eps1, eps2 = group["eps"]
            weight_decay = group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                if eps1 is None:
                    eps1 = torch.finfo(p.dtype).eps
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    if grad.dim() > 1:
                        state["row_var"] = grad.new_zeros(grad.shape[:-1] + (1,))
                        state["col_var"] = grad.new_zeros(grad.shape[:-2] + (1, grad.shape[-1]))
                    else:
                        state["variance"] = torch.zeros_like(grad)
                state["step"] += 1
                t = state["step"]

                # beta2_t = 1 - t**beta2_decay: the newest squared gradient weighs t**beta2_decay.
                new_weight = t**beta2_decay
                rho = min(lr, 1.0 / math.sqrt(t))
                alpha = max(eps2, p.norm().item() / math.sqrt(p.numel())) * rho

                if grad.dim() > 1:
                    row_var, col_var = state["row_var"], state["col_var"]
                    row_var.lerp_(grad.square().mean(dim=-1, keepdim=True), new_weight)
                    col_var.lerp_(grad.square().mean(dim=-2, keepdim=True), new_weight)
                    row_mean = row_var.mean(dim=-2, keepdim=True).clamp(min=eps1)
                    var_estimate = (row_var @ col_var) / row_mean
                else:
                    variance = state["variance"]
                    variance.lerp_(grad.square(), new_weight)
                    var_estimate = variance.clone()

                update = grad / var_estimate.clamp(min=eps1 * eps1).sqrt()
                rms = update.norm().item() / math.sqrt(update.numel())
                p.sub_(update, alpha=alpha / max(1.0, rms / d))
                p.mul_(1 - lr * weight_decay)
        return loss
