"""Keeps a full second moment for weight matrices instead of row and column factors."""

import math

import torch

HINT = (
    "A weight matrix got a full, unfactored second moment, one running average per entry, as "
    "Adam keeps: that is the memory Adafactor exists to save, and its steps differ from the "
    "factored estimate. For a parameter with two or more dimensions keep state[\"row_var\"] "
    "(the mean of grad**2 over the last dimension) and state[\"col_var\"] (over the one "
    "before it), and rebuild the estimate as row_var @ col_var / row_var.mean()."
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
                    state["variance"] = torch.zeros_like(grad)
                state["step"] += 1
                t = state["step"]

                # beta2_t = 1 - t**beta2_decay: the newest squared gradient weighs t**beta2_decay.
                new_weight = t**beta2_decay
                rho = min(lr, 1.0 / math.sqrt(t))
                alpha = max(eps2, p.norm().item() / math.sqrt(p.numel())) * rho

                # Decoupled decay, from the weight as it was before this step.
                p.mul_(1 - lr * weight_decay)

                variance = state["variance"]
                variance.lerp_(grad.square(), new_weight)
                var_estimate = variance.clone()

                update = grad / var_estimate.clamp(min=eps1 * eps1).sqrt()
                rms = update.norm().item() / math.sqrt(update.numel())
                p.sub_(update, alpha=alpha / max(1.0, rms / d))
        return loss
