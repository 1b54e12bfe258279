"""The `call` driver: pure functions called once per declared call.

A case lists its calls (`calls`), values shared by every call (`args`) and
values drawn afresh for every call from the case's `seed` (`random`): Gaussian
arrays, or synthetic training logs (`kind = "training_log"`). Each
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
import math
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


def _random_values(name: str, spec: dict, rng: np.random.Generator) -> dict:
    """The arguments one `random` entry fills: itself, or the two series of a training log."""
    if spec.get("kind") == TRAINING_LOG:
        loss_name, grad_name = spec.get("into", LOG_INTO)
        loss, grad_norm = training_log(spec, rng)
        return {loss_name: loss, grad_name: grad_norm}
    return {name: _random_value(spec, rng)}


def random_arguments(random_specs: dict) -> set[str]:
    """The names of the arguments that a case's `random` table fills."""
    names: set[str] = set()
    for name, spec in random_specs.items():
        is_log = isinstance(spec, dict) and spec.get("kind") == TRAINING_LOG
        names |= set(spec.get("into", LOG_INTO)) if is_log else {name}
    return names


# -- synthetic training logs -----------------------------------------------------------
TRAINING_LOG = "training_log"
LOG_INTO = ("loss", "grad_norm")
DIVERGE = ("never", "maybe", "always")
MAX_LOG_LENGTH = MAX_VALUES  # one traced value per logged step must fit in a record
_LOG_POSITIVE = {"start": 4.0, "floor": 1.0, "grad_scale": 1.0}  # key: default
_LOG_NON_NEGATIVE = {"noise": 0.02, "grad_noise": 0.1}
_LOG_KEYS = {"kind", "length", "decay", "spikes", "spike_size", "plateau", "diverge", "into"}


def _exp(values: np.ndarray) -> np.ndarray:
    # math.exp, one value at a time: numpy's vectorised exp may differ in the last bit
    # between CPUs (SIMD paths), and a log must be the same wherever it is drawn.
    return np.array([math.exp(v) for v in values.tolist()], dtype=np.float64)


def training_log(spec: dict, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic logged training run: (loss, grad_norm), one float64 value per step.

    Steps run on a progress clock that advances by one per step. The loss decays
    from `start` towards `floor` with time constant `decay` steps, times log-normal
    noise (`noise`); the gradient norm falls from `grad_scale` towards half of it on
    the same clock, with its own noise (`grad_noise`). Then, drawn in this order:
    `spikes` single-step spikes at distinct steps from 1 on (loss and gradient norm
    each multiplied by a factor drawn from `spike_size`); with `plateau = true`, a
    stretch of a tenth to a quarter of the run, starting between a fifth and three
    fifths of it, where the clock stands still; with `diverge` ("never", "maybe":
    a fair coin, "always"), a blow-up starting in the second half: loss and gradient
    norm grow by a drawn factor per step for 0 to 8 steps, then the loss turns inf
    or NaN and stays NaN. The gradient norm turns inf on that step, or the step
    before, and NaN after. Every value comes from `rng`, so a seed gives one log.
    """
    length = int(spec.get("length", 200))
    number = {**_LOG_POSITIVE, **_LOG_NON_NEGATIVE}
    start, floor, level, noise, grad_noise = (
        float(spec.get(key, number[key]))
        for key in ("start", "floor", "grad_scale", "noise", "grad_noise")
    )
    decay = float(spec.get("decay", length / 4))
    steps = np.arange(length, dtype=np.float64)
    loss_noise = rng.standard_normal(length)
    grad_noise_draws = rng.standard_normal(length)

    count = int(spec.get("spikes", 0))
    low, high = (float(v) for v in spec.get("spike_size", (3.0, 10.0)))
    spike_at = rng.choice(length - 1, size=count, replace=False) + 1
    loss_factor = rng.uniform(low, high, size=count)
    grad_factor = rng.uniform(low, high, size=count)

    clock = steps
    if spec.get("plateau", False):
        first = int(rng.integers(length // 5, 3 * length // 5 + 1))
        span = int(rng.integers(max(1, length // 10), max(1, length // 4) + 1))
        clock = steps - np.clip(steps - first, 0, span)
    progress = _exp(-clock / decay)
    loss = (floor + (start - floor) * progress) * _exp(noise * loss_noise)
    grad_norm = level * (0.5 + 0.5 * progress) * _exp(grad_noise * grad_noise_draws)
    loss[spike_at] *= loss_factor
    grad_norm[spike_at] *= grad_factor

    diverge = spec.get("diverge", "never")
    if diverge == "always" or (diverge == "maybe" and rng.random() < 0.5):
        onset = int(rng.integers(length // 2, length))
        ramp = int(rng.integers(0, 9))
        growth = float(rng.uniform(1.5, 3.0))
        loss_turns_inf = bool(rng.random() < 0.5)
        gradient_first = bool(rng.random() < 0.5)
        broken = onset + ramp  # the first step whose loss is not finite
        for step in range(onset, min(broken, length)):
            loss[step] *= growth ** (step - onset + 1)
            grad_norm[step] *= growth ** (step - onset + 1)
        if broken < length:
            loss[broken:] = math.nan
            loss[broken] = math.inf if loss_turns_inf else math.nan
            grad_norm[broken:] = math.nan
        grad_at = broken - 1 if gradient_first else broken
        if grad_at < length:
            grad_norm[grad_at] = math.inf
    return loss, grad_norm


def training_log_problem(spec: dict, args: list[str]) -> str | None:
    """What is wrong with a `training_log` table, or None (checked when a bundle loads)."""
    unknown = sorted(set(spec) - _LOG_KEYS - set(_LOG_POSITIVE) - set(_LOG_NON_NEGATIVE))
    if unknown:
        return f"unknown keys {unknown}"
    length = spec.get("length", 200)
    if not _whole(length) or not 2 <= length <= MAX_LOG_LENGTH:
        return f"length must be a whole number from 2 to {MAX_LOG_LENGTH}"
    spikes = spec.get("spikes", 0)
    if not _whole(spikes) or not 0 <= spikes < length:
        return "spikes must be a whole number from 0 to length - 1"
    for key in [*_LOG_POSITIVE, "decay"]:
        if key in spec and not (_real(spec[key]) and spec[key] > 0):
            return f"{key} must be a number > 0"
    for key in _LOG_NON_NEGATIVE:
        if key in spec and not (_real(spec[key]) and spec[key] >= 0):
            return f"{key} must be a number >= 0"
    size = spec.get("spike_size", [3.0, 10.0])
    pair = isinstance(size, list) and len(size) == 2 and all(_real(v) for v in size)
    if not (pair and 1 <= size[0] <= size[1]):
        return "spike_size must be [low, high] with 1 <= low <= high"
    if not isinstance(spec.get("plateau", False), bool):
        return "plateau must be true or false"
    if spec.get("diverge", "never") not in DIVERGE:
        return f"diverge must be one of {DIVERGE}"
    into = spec.get("into", list(LOG_INTO))
    named = isinstance(into, list) and all(isinstance(name, str) and name in args for name in into)
    if not (named and len(into) == 2 and into[0] != into[1]):
        return f"into must name two arguments of {args}: the loss, then the gradient norm"
    return None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


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
            values.update(_random_values(name, random_specs[name], rng))
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
