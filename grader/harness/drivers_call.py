"""The `call` driver: pure functions called once per declared call.

A case lists its calls (`calls`), values shared by every call (`args`) and
arrays drawn afresh for every call from the case's `seed` (`random`). Each
call's declared `returns` are flattened into one list of floats per name, so
numbers, arrays and lists of arrays are all traced the same way. A call that
declares `raises = "ValueError"` records what happened: 1.0 for that exception
(or a subclass of it), 0.0 when nothing was raised and 2.0 for another
exception, whose type is noted (`trace.notes["raised"]`) so the student is told
exactly which exception was raised where which one was asked.
"""

from __future__ import annotations

import builtins
import copy
import numbers

import numpy as np

RAISED = "raised"
ASKED, NOTHING, OTHER = 1.0, 0.0, 2.0
# As many values as the grader accepts in one record; checked before copying,
# since a broadcast view of any size costs no memory until it is copied.
MAX_VALUES = 1 << 16


def fault(message: str) -> Exception:
    """A `SubmissionFault` (imported late: drivers.py imports this module)."""
    from .drivers import SubmissionFault

    return SubmissionFault(message)


def exception_type(name: str) -> type[BaseException]:
    kind = getattr(builtins, name, None)
    if not (isinstance(kind, type) and issubclass(kind, BaseException)):
        raise ValueError(f"raises = {name!r} is not a built-in exception")
    return kind


def _array(value) -> np.ndarray:
    return np.array(value, dtype=np.float64, copy=True)


def _random_value(spec: dict, rng: np.random.Generator):
    scale = float(spec.get("scale", 1.0))
    if "shapes" in spec:
        return [rng.standard_normal(tuple(shape)) * scale for shape in spec["shapes"]]
    return rng.standard_normal(tuple(spec.get("shape", ()))) * scale


def build_calls(case: dict, spec: dict) -> list[dict]:
    """The concrete argument values of every call of a case.

    Every call gets its own copies, so a program that changes its arguments in
    place cannot change what a later call receives.
    """
    shared = case.get("args", {})
    explicit = case.get("calls", [])
    random_specs = case.get("random", {})
    count = len(explicit) if explicit else int(case["steps"])
    rng = np.random.default_rng(int(case.get("seed", 0)))
    convert = spec.get("convert", {})
    calls = []
    for index in range(count):
        values = copy.deepcopy(shared)
        for name in sorted(random_specs):
            values[name] = _random_value(random_specs[name], rng)
        if explicit:
            values.update(copy.deepcopy(explicit[index]))
        for name, kind in convert.items():
            if name not in values:
                continue
            if kind == "array":
                values[name] = _array(values[name])
            elif kind == "arrays":
                values[name] = [_array(item) for item in values[name]]
        calls.append(values)
    return calls


def flatten(name: str, value) -> list[float]:
    """Every number in a returned value, in order, as floats.

    Arrays are copied into plain float64 ndarrays (never a subclass) first.
    """
    if value is None:
        raise fault(f"{name} is None; return a value")
    if isinstance(value, (bool, np.bool_)):
        raise fault(f"{name} is a bool; expected a number")
    if isinstance(value, (str, bytes)):
        raise fault(f"{name} is text ({value!r:.40}); expected a number")
    if isinstance(value, numbers.Real):
        return [float(value)]
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise fault(f"{name} has dtype {value.dtype}; expected numbers")
        _check_size(name, value.size)
        return np.ndarray.tolist(np.array(value, dtype=np.float64, copy=True, subok=False).ravel())
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        _check_size(name, value.numel())
        return np.ndarray.tolist(value.detach().cpu().double().reshape(-1).numpy().copy())
    if isinstance(value, (list, tuple)):
        values: list[float] = []
        for position, item in enumerate(value):
            values += flatten(f"{name}[{position}]", item)
        return values
    raise fault(f"{name} is a {type(value).__name__}; expected a number or an array")


def _check_size(name: str, size: int) -> None:
    if size > MAX_VALUES:
        raise fault(f"{name} holds {size} values; at most {MAX_VALUES} can be traced")


def check_like(name: str, value, like, entrypoint: str) -> None:
    """Check a returned value against the shape of an argument (or a single number)."""
    if isinstance(like, str):  # "scalar"
        if isinstance(value, np.ndarray) and value.shape == ():
            return
        if type(value).__module__.startswith("torch") and getattr(value, "ndim", None) == 0:
            return
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise fault(
                f"{entrypoint} must return {name} as a single number; got {type(value).__name__}"
            )
        return
    if isinstance(like, list):
        if not isinstance(value, (list, tuple)) or len(value) != len(like):
            sequence = isinstance(value, (list, tuple))
            got = f"{len(value)} items" if sequence else type(value).__name__
            raise fault(
                f"{entrypoint} must return {name} as a list of {len(like)} arrays; got {got}"
            )
        for position, (item, model) in enumerate(zip(value, like, strict=True)):
            check_like(f"{name}[{position}]", item, model, entrypoint)
        return
    if isinstance(like, np.ndarray):
        if not isinstance(value, np.ndarray):
            raise fault(
                f"{name} is a {type(value).__name__}; expected an array of shape {like.shape}"
            )
        if value.dtype != like.dtype:
            raise fault(f"{name} has dtype {value.dtype}; expected {like.dtype}")
        if value.shape != like.shape:
            raise fault(f"{name} has shape {value.shape}; expected {like.shape}")


def _unpack(out, names: list[str], entrypoint: str) -> list:
    if len(names) == 1:
        return [out]
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        wanted = ", ".join(names)
        got = f"{len(out)} values" if isinstance(out, (tuple, list)) else type(out).__name__
        raise fault(f"{entrypoint} must return ({wanted}); got {got}")
    return list(out)


def call(fn, case: dict, spec: dict, trace: list) -> None:
    """Call a pure function once per declared call and trace what it returns."""
    entrypoint = spec["entrypoint"]
    returns = list(spec["returns"])
    quantities = list(spec["trace"])
    like_args = spec.get("like", {})
    notes = getattr(trace, "notes", None)
    for number, values in enumerate(build_calls(case, spec)):
        expected_error = values.pop("raises", None)
        # The shapes to check against are taken before the call: a program may
        # modify its arguments in place.
        likes = {
            name: (arg if arg == "scalar" else _snapshot(values.get(arg)))
            for name, arg in like_args.items()
        }
        args = [values[name] for name in spec["args"]]
        if expected_error is not None:
            kind = exception_type(expected_error)
            try:
                fn(*args)
                outcome = NOTHING
            except kind:
                outcome = ASKED
            except Exception as exc:  # noqa: BLE001 - another exception is not the one asked for
                outcome = OTHER
                if notes is not None:
                    notes.setdefault("raised", []).append([number, type(exc).__name__[:100]])
            record = {q: [] for q in quantities}
            record[RAISED] = [outcome]
            trace.append(record)
            continue
        returned = _unpack(fn(*args), returns, entrypoint)
        record = {}
        for name, value in zip(returns, returned, strict=True):
            if name in likes:
                check_like(name, value, likes[name], entrypoint)
            if name in quantities:
                record[name] = flatten(name, value)
        if RAISED in quantities:
            record[RAISED] = []
        trace.append(record)


def _snapshot(value):
    if isinstance(value, np.ndarray):
        return np.empty(value.shape, dtype=value.dtype)
    if isinstance(value, list):
        return [_snapshot(item) for item in value]
    return value
