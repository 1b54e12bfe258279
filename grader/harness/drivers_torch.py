"""Drivers for PyTorch exercises: an optimizer class, and a whole training step.

torch is imported inside the drivers, never at module level: numpy sandboxes
do not preload it. The model is built in float64 from the case's seed, the
data set is drawn with numpy from the same seed, and deterministic algorithms
are switched on, so the reference's trace is reproducible bit for bit and a
program's trace can be compared with it tightly. A case runs on the CPU unless
it (or the grading spec) asks for "cuda", or for "auto" on a sandbox that has
a GPU; the weights and the data are drawn on the CPU either way.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

from .drivers_call import fault

ACTIVATIONS = ("tanh", "relu", "sigmoid")
LOSSES = ("mse", "cross_entropy")
OPTIMIZERS = ("sgd", "adam", "adamw")
DEVICES = ("cpu", "cuda", "auto")


def _torch():
    import torch

    return torch


def resolve_device(torch, case: dict, spec: dict) -> str:
    device = case.get("device") or spec.get("device") or "cpu"
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("this case asks for device = 'cuda' and the sandbox has no GPU")
        # cuBLAS is deterministic only with a fixed workspace; it reads this at first use.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    elif device != "cpu":
        raise ValueError(f"unknown device {device!r}")
    return device


def build_model(torch, spec: dict, seed: int, device: str):
    """A float64 multilayer perceptron: Linear layers with an activation between them."""
    sizes = [int(size) for size in spec["sizes"]]
    activation = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}[
        spec.get("activation", "tanh")
    ]
    torch.manual_seed(int(spec.get("seed", seed)))
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        if index:
            layers.append(activation())
        layers.append(torch.nn.Linear(fan_in, fan_out, dtype=torch.float64))
    return torch.nn.Sequential(*layers).to(device)


class Dataset:
    """A fixed synthetic data set: inputs ~ N(0, 1), targets from a random linear map.

    For the cross-entropy loss the target is the class with the largest score.
    Every step takes `batch_size` rows drawn without replacement.
    """

    def __init__(self, torch, case: dict, sizes: list[int], seed: int, device: str) -> None:
        spec = case.get("data", {})
        data_seed = int(spec.get("seed", seed))
        rng = np.random.default_rng([data_seed, 2])
        n = int(spec.get("n", 64))
        noise = float(spec.get("noise", 0.1))
        x = rng.standard_normal((n, sizes[0]))
        weights = rng.standard_normal((sizes[0], sizes[-1])) / math.sqrt(sizes[0])
        scores = x @ weights + noise * rng.standard_normal((n, sizes[-1]))
        self.x = torch.from_numpy(x).to(device)
        if case.get("loss", "mse") == "cross_entropy":
            self.y = torch.from_numpy(np.argmax(scores, axis=1).astype(np.int64)).to(device)
        else:
            self.y = torch.from_numpy(scores).to(device)
        self._torch = torch
        self.n = n
        self.batch_size = min(int(case.get("batch_size", n)), n)
        self._order = np.random.default_rng([data_seed, 3])

    def batch(self):
        rows = np.sort(self._order.choice(self.n, self.batch_size, replace=False))
        index = self._torch.from_numpy(rows.astype(np.int64)).to(self.x.device)
        return self.x[index].clone(), self.y[index].clone()


def loss_function(torch, case: dict):
    if case.get("loss", "mse") == "cross_entropy":
        return torch.nn.CrossEntropyLoss()
    return torch.nn.MSELoss()


def _setup(torch, case: dict, spec: dict):
    device = resolve_device(torch, case, spec)
    # Cheap in a warm torch sandbox: it imports torch._inductor.config, which the
    # zygote's preloaded torch._dynamo has already imported.
    torch.use_deterministic_algorithms(True)
    seed = int(case.get("seed", 0))
    torch.manual_seed(seed)
    model = build_model(torch, case["model"], seed, device)
    data = Dataset(torch, case, [int(s) for s in case["model"]["sizes"]], seed, device)
    named = list(model.named_parameters())
    return model, data, loss_function(torch, case), named


def _param_values(torch, named: list, shapes: list) -> list[float]:
    values: list[float] = []
    for (name, param), shape in zip(named, shapes, strict=True):
        if param.dtype != torch.float64:
            raise fault(
                f"parameter {name} has dtype {param.dtype}; expected torch.float64 "
                "(update parameters in place, keeping their dtype)"
            )
        if tuple(param.shape) != shape:
            raise fault(f"parameter {name} has shape {tuple(param.shape)}; expected {shape}")
        values += param.detach().cpu().reshape(-1).tolist()
    return values


def _state_values(torch, optimizer, named: list, buffer: str, step: int) -> list[float]:
    values: list[float] = []
    state = optimizer.state
    for name, param in named:
        entry = state[param] if param in state else None
        if not hasattr(entry, "__contains__") or buffer not in entry:
            raise fault(
                f"optimizer.state[p] has no {buffer!r} for parameter {name} after step "
                f"{step}; keep that buffer in self.state[p][{buffer!r}]"
            )
        tensor = entry[buffer]
        if not isinstance(tensor, torch.Tensor):
            raise fault(
                f"optimizer.state[p][{buffer!r}] is a {type(tensor).__name__}; expected a tensor"
            )
        if tuple(tensor.shape) != tuple(param.shape):
            raise fault(
                f"optimizer.state[p][{buffer!r}] for parameter {name} has shape "
                f"{tuple(tensor.shape)}; expected {tuple(param.shape)}"
            )
        values += tensor.detach().to("cpu", torch.float64).reshape(-1).tolist()
    return values


def _finite(record: dict) -> bool:
    return all(math.isfinite(v) for values in record.values() for v in values)


def torch_optimizer(cls, case: dict, spec: dict, trace: list) -> None:
    """Train a small model with the program's optimizer class; trace parameters and buffers."""
    torch = _torch()
    entrypoint = spec["entrypoint"]
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)):
        raise fault(f"{entrypoint} must be a class derived from torch.optim.Optimizer")
    model, data, loss_fn, named = _setup(torch, case, spec)
    shapes = [tuple(param.shape) for _, param in named]
    hyper = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in case.get("hyper", {}).items()
    }
    optimizer = cls(model.parameters(), **hyper)
    quantities = list(spec["trace"])
    # A state buffer kept under another name is reported, but only once the run is
    # over: the parameters are still traced, so the update itself can be judged.
    from .drivers import SubmissionFault  # drivers.py imports this module

    interface_fault = None
    for step in range(1, int(case["steps"]) + 1):
        x, y = data.batch()
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        record = {}
        for quantity in quantities:
            if quantity == "params":
                record[quantity] = _param_values(torch, named, shapes)
            elif quantity == "loss":
                record[quantity] = [float(loss.detach())]
            else:
                try:
                    record[quantity] = _state_values(torch, optimizer, named, quantity, step)
                except SubmissionFault as exc:
                    interface_fault = interface_fault or exc
                    record[quantity] = []
        trace.append(record)
        if not _finite(record):
            break
    if interface_fault is not None:
        raise interface_fault


def build_optimizer(torch, spec: dict, params):
    """A real torch optimizer, built with lr = spec.lr (0 by default): train_step sets the rate."""
    kind = spec.get("kind", "sgd")
    lr = float(spec.get("lr", 0.0))
    weight_decay = float(spec.get("weight_decay", 0.0))
    if kind == "sgd":
        return torch.optim.SGD(
            params,
            lr=lr,
            momentum=float(spec.get("momentum", 0.0)),
            dampening=float(spec.get("dampening", 0.0)),
            weight_decay=weight_decay,
            nesterov=bool(spec.get("nesterov", False)),
            foreach=False,
        )
    betas = tuple(float(b) for b in spec.get("betas", (0.9, 0.999)))
    eps = float(spec.get("eps", 1e-8))
    if kind == "adam":
        return torch.optim.Adam(
            params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=False
        )
    if kind == "adamw":
        return torch.optim.AdamW(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=float(spec.get("weight_decay", 0.01)),
            foreach=False,
        )
    raise ValueError(f"unknown optimizer kind {kind!r}")


def learning_rate(hyper: dict, step: int) -> float:
    """The rate for 0-based `step`: a list gives one per step, a number decays by lr_decay."""
    lr = hyper["lr"]
    if isinstance(lr, list):
        return float(lr[step])
    return float(lr) * float(hyper.get("lr_decay", 1.0)) ** step


def _number(torch, name: str, value, entrypoint: str) -> float:
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise fault(
                f"{entrypoint} returned {name} with {value.numel()} elements; "
                "expected a single number"
            )
        return float(value.detach().to("cpu", torch.float64).reshape(-1)[0])
    if isinstance(value, np.ndarray) and value.size == 1:
        return float(value.reshape(-1)[0])
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise fault(
            f"{entrypoint} must return {name} as a number or a one-element tensor; "
            f"got {type(value).__name__}"
        )
    return float(value)


def micro_batch_sizes(case: dict, spec: dict) -> list[int] | None:
    """The sizes of a step's micro-batches, in order; None when the batch goes whole.

    `[grading] micro_batches` switches the exercise to micro-batches (its value is
    the default split) and a case may override it: an integer k cuts the batch into
    k equal parts, a list gives each part's size. Raises ValueError, saying why, for
    a split that does not fit the case's batch.
    """
    if "micro_batches" not in spec:
        if "micro_batches" in case:
            raise ValueError(
                "micro_batches in a case needs micro_batches in [grading]: it changes "
                "what train_step receives for every case"
            )
        return None
    split = case.get("micro_batches", spec["micro_batches"])
    n = case.get("data", {}).get("n", 64)
    batch = min(case.get("batch_size", n), n)
    if isinstance(split, int) and not isinstance(split, bool):
        if not 1 <= split <= batch or batch % split:
            raise ValueError(
                f"micro_batches = {split} does not cut a batch of {batch} rows into equal "
                "parts; give a divisor of the batch size or list the sizes"
            )
        return [batch // split] * split
    if (
        not isinstance(split, list)
        or not split
        or not all(
            isinstance(size, int) and not isinstance(size, bool) and size >= 1 for size in split
        )
    ):
        raise ValueError("micro_batches must be a positive integer or a list of positive sizes")
    if sum(split) != batch:
        raise ValueError(
            f"micro_batches sizes {split} add up to {sum(split)}, not the batch of {batch}"
        )
    return list(split)


def torch_train_step(fn, case: dict, spec: dict, trace: list) -> None:
    """Call train_step(model, optimizer, batch, loss_fn, lr, max_norm) once per step.

    With micro-batches, `batch` is a list of (inputs, targets) pairs: the step's
    batch cut, in order, into parts of `micro_batch_sizes`.
    """
    torch = _torch()
    entrypoint = spec["entrypoint"]
    model, data, loss_fn, named = _setup(torch, case, spec)
    shapes = [tuple(param.shape) for _, param in named]
    optimizer = build_optimizer(torch, case.get("optimizer", {}), model.parameters())
    hyper = case.get("hyper", {})
    max_norm = float(hyper["max_norm"])
    sizes = micro_batch_sizes(case, spec)
    quantities = list(spec["trace"])
    for step in range(int(case["steps"])):
        batch = data.batch()
        if sizes is not None:
            inputs, targets = batch
            batch = list(zip(inputs.split(sizes), targets.split(sizes), strict=True))
        out = fn(model, optimizer, batch, loss_fn, learning_rate(hyper, step), max_norm)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            got = f"{len(out)} values" if isinstance(out, (tuple, list)) else type(out).__name__
            raise fault(f"{entrypoint} must return (loss, grad_norm); got {got}")
        loss, grad_norm = out
        record = {}
        for quantity in quantities:
            if quantity == "loss":
                record[quantity] = [_number(torch, "loss", loss, entrypoint)]
            elif quantity == "grad_norm":
                record[quantity] = [_number(torch, "grad_norm", grad_norm, entrypoint)]
            elif quantity == "params":
                record[quantity] = _param_values(torch, named, shapes)
            else:
                record[quantity] = [float(group["lr"]) for group in optimizer.param_groups]
        trace.append(record)
        if not _finite(record):
            break
