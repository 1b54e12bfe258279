"""Drivers: how one case of an exercise is run and what is traced.

A driver receives the student's entrypoint, one concrete case and the
exercise's grading spec, and appends one record per step to `trace`
(a dict of quantity -> flat list of floats). It raises `SubmissionFault`
for a contract the program broke (wrong shape, wrong dtype, nothing
returned); any other exception is the program's own and is reported as such.
"""

from __future__ import annotations

import math

import numpy as np

from . import surfaces
from .drivers_call import call
from .drivers_torch import torch_optimizer, torch_train_step


class SubmissionFault(Exception):
    """The program returned something the exercise's contract does not allow."""


def as_float_array(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    """Check a returned value against the expected shape and dtype, and copy it.

    Values are read once into a plain ndarray (never a subclass), so an object
    that lies in `__eq__` or `tolist` cannot shape what is recorded; what its
    `__float__` or `__array__` say is what gets compared, outside the sandbox.
    """
    if isinstance(value, np.ndarray):
        if value.dtype != np.float64:
            raise SubmissionFault(f"{name} has dtype {value.dtype}; expected float64")
        # Before copying: a broadcast view of 10**8 elements costs no memory
        # until it is copied, and would turn a wrong shape into a MemoryError.
        if value.shape != shape:
            raise SubmissionFault(f"{name} has shape {value.shape}; expected {shape}")
    elif value is None:
        raise SubmissionFault(f"{name} is None; return the updated array")
    try:
        array = np.array(value, dtype=np.float64, copy=True, subok=False)
    except (TypeError, ValueError) as exc:
        raise SubmissionFault(f"{name} is not an array of numbers ({exc})") from None
    if array.shape != shape:
        raise SubmissionFault(f"{name} has shape {array.shape}; expected {shape}")
    return array


def _unpack(out, names: list[str], entrypoint: str) -> list:
    if len(names) == 1:
        return [out]
    if not isinstance(out, (tuple, list)):
        wanted = ", ".join(names)
        raise SubmissionFault(f"{entrypoint} must return ({wanted}); got {type(out).__name__}")
    if len(out) != len(names):
        wanted = ", ".join(names)
        raise SubmissionFault(
            f"{entrypoint} must return {len(names)} values ({wanted}); got {len(out)}"
        )
    return list(out)


def _record(values: dict, quantities: list[str]) -> dict:
    return {q: np.ndarray.tolist(np.ravel(values[q])) for q in quantities}


def optimizer_step(fn, case: dict, spec: dict, trace: list) -> None:
    """Run `steps` updates on a surface, feeding each step the gradient at the new point.

    Every argument is a fresh copy, so a program may update its inputs in place
    or return new arrays: both are traced the same way.
    """
    surface = surfaces.build(case["surface"])
    w = np.array(case["w0"], dtype=np.float64)
    shape = w.shape
    state = {name: np.zeros_like(w) for name in spec.get("state", [])}
    hyper = case.get("hyper", {})
    counter = spec.get("counter")
    entrypoint = spec["entrypoint"]
    for step in range(1, int(case["steps"]) + 1):
        # A hyper-parameter given as a list is a schedule: one value per step.
        scheduled = {k: v[step - 1] if isinstance(v, list) else v for k, v in hyper.items()}
        values = {"w": w, "grad": surface.grad(w), **state, **scheduled}
        if counter:
            values[counter] = step
        args = [
            np.copy(v) if isinstance(v, np.ndarray) else v
            for v in (values[a] for a in spec["args"])
        ]
        returned = _unpack(fn(*args), spec["returns"], entrypoint)
        for name, value in zip(spec["returns"], returned, strict=True):
            values[name] = as_float_array(name, value, shape)
        w = values["w"]
        state = {name: values[name] for name in state}
        trace.append(_record(values, spec["trace"]))
        if not np.all(np.isfinite(w)):
            break


def schedule(fn, case: dict, spec: dict, trace: list) -> None:
    """Call a learning-rate schedule for every step and trace the rate."""
    args = case.get("args", {})
    entrypoint = spec["entrypoint"]
    for step in range(int(case["steps"])):
        value = fn(step, *[args[name] for name in spec["args"]])
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise SubmissionFault(f"{entrypoint} must return a float; got {type(value).__name__}")
        trace.append({"lr": [float(value)]})
        if not math.isfinite(float(value)):
            break


DRIVERS = {
    "optimizer_step": optimizer_step,
    "schedule": schedule,
    "call": call,
    "torch_optimizer": torch_optimizer,
    "torch_train_step": torch_train_step,
}
