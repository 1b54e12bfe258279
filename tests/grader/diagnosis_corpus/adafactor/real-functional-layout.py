# expect: pass
# kind: real-style
# about: a torch-style class gathering tensors per group for a functional single-tensor update
import torch


def _adafactor(
    params,
    grads,
    row_vars,
    col_vars,
    variances,
    steps,
    *,
    lr,
    beta2_decay,
    eps1,
    eps2,
    d,
    weight_decay,
):
    for i, param in enumerate(params):
        grad = grads[i]
        steps[i] += 1
        step = float(steps[i])
        one_minus_beta2 = step**beta2_decay
        rho = min(lr, 1 / step**0.5)
        alpha = max(eps2, param.norm(2).item() / param.numel() ** 0.5) * rho
        if weight_decay != 0:
            param.mul_(1 - lr * weight_decay)
        if grad.dim() > 1:
            row_vars[i].lerp_((grad * grad).mean(dim=-1, keepdim=True), one_minus_beta2)
            col_vars[i].lerp_((grad * grad).mean(dim=-2, keepdim=True), one_minus_beta2)
            var = row_vars[i] @ col_vars[i]
            var.div_(row_vars[i].mean(dim=-2, keepdim=True).clamp_(min=eps1))
        else:
            variances[i].lerp_(grad * grad, one_minus_beta2)
            var = variances[i].clone()
        update = var.clamp_(min=eps1 * eps1).rsqrt_().mul_(grad)
        denom = max(1.0, update.norm(2).item() / (update.numel() ** 0.5 * d))
        param.add_(update, alpha=-alpha / denom)


class Adafactor(torch.optim.Optimizer):
    def __init__(
        self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0
    ):
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params, grads, rows, cols, variances, counts = [], [], [], [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    if p.grad.dim() > 1:
                        state["row_var"] = p.grad.new_zeros(p.grad.shape[:-1] + (1,))
                        state["col_var"] = p.grad.new_zeros(p.grad.shape[:-2] + (1, p.shape[-1]))
                    else:
                        state["variance"] = torch.zeros_like(p.grad)
                params.append(p)
                grads.append(p.grad)
                rows.append(state.get("row_var"))
                cols.append(state.get("col_var"))
                variances.append(state.get("variance"))
                counts.append(state["step"])
            eps1, eps2 = group["eps"]
            if eps1 is None:
                eps1 = torch.finfo(params[0].dtype).eps
            _adafactor(
                params,
                grads,
                rows,
                cols,
                variances,
                counts,
                lr=group["lr"],
                beta2_decay=group["beta2_decay"],
                eps1=eps1,
                eps2=eps2,
                d=group["d"],
                weight_decay=group["weight_decay"],
            )
            for p, count in zip(params, counts, strict=True):
                self.state[p]["step"] = count
        return loss
