"""Load-time checks of what each driver needs from [grading], a case and a figure.

A bundle that a driver could not run is rejected when it is loaded, with the
file, table and key at fault, rather than failing later inside a sandbox.
The older drivers (optimizer_step, schedule) keep their checks in `_bundle`.
"""

from __future__ import annotations

import builtins
import math

from ._bundle import (
    MAX_ARRAY_DIMENSIONS,
    MAX_ARRAY_ELEMENTS,
    MAX_DATA_POINTS,
    MAX_FIGURES,
    MAX_MODEL_LAYERS,
    MAX_MODEL_PARAMETERS,
    MAX_MODEL_WIDTH,
    MAX_STEPS,
    MAX_SURFACE_DIM,
    MAX_VECTOR_LENGTH,
    BundleError,
)
from .harness.drivers_call import TRAINING_LOG, random_arguments, training_log_problem
from .harness.drivers_torch import ACTIVATIONS, DEVICES, LOSSES, OPTIMIZERS, micro_batch_sizes

TOML = "exercise.toml"
TRAIN_STEP_TRACE = ("loss", "grad_norm", "params", "lr")
CONVERSIONS = ("array", "arrays")
MAX_FIGURE_DECIMALS = 15


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _names(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# -- [grading] -------------------------------------------------------------------------
def check_grading(grading: dict, runtime: str, *, slug: str) -> None:
    driver = grading["driver"]
    path = f"{TOML} [grading]"

    def fail(message: str):
        raise BundleError(message, path=path, slug=slug)

    trace = grading["trace"]
    if not trace or not _names(trace):
        fail("'trace' must be a non-empty list of quantity names")
    if driver == "call":
        for key in ("args", "returns"):
            if not _names(grading.get(key)) or (key == "returns" and not grading[key]):
                fail(f"the call driver needs {key!r}, a list of names")
        allowed = [*grading["returns"], "raised"]
        extra = [q for q in trace if q not in allowed]
        if extra:
            fail(f"trace names {extra} are neither in 'returns' nor 'raised'")
        for name, kind in grading.get("convert", {}).items():
            if name not in grading["args"] or kind not in CONVERSIONS:
                fail(f"convert.{name} must name an argument and be one of {CONVERSIONS}")
        for name, like in grading.get("like", {}).items():
            if name not in grading["returns"] or not (like == "scalar" or like in grading["args"]):
                fail(f"like.{name} must name a returned value and be 'scalar' or an argument")
    elif driver in ("torch_optimizer", "torch_train_step"):
        if runtime != "torch":
            fail(f'the {driver} driver needs runtime = "torch"')
        if grading.get("device", "cpu") not in DEVICES:
            fail(f"device must be one of {DEVICES}")
        if driver == "torch_train_step":
            extra = [q for q in trace if q not in TRAIN_STEP_TRACE]
            if extra:
                fail(f"the torch_train_step driver traces only {TRAIN_STEP_TRACE}; not {extra}")
            split = grading.get("micro_batches", 1)
            if not (_whole(split) and split >= 1):
                fail("micro_batches must be a positive integer (a case may list sizes)")
        elif "micro_batches" in grading:
            fail("micro_batches is a key of the torch_train_step driver")


# -- cases -----------------------------------------------------------------------------
def check_case(grading: dict, case: dict, path: str, *, slug: str) -> dict:
    """Check a case's driver-specific keys; return it with defaults filled in."""
    driver = grading["driver"]
    label = f"case {case.get('name')!r}: " if case.get("name") else ""

    def fail(message: str):
        raise BundleError(label + message, path=path, slug=slug)

    _check_surface(case, fail)
    if driver == "call":
        return _check_call_case(grading, dict(case), fail)
    if driver in ("torch_optimizer", "torch_train_step"):
        _check_torch_case(grading, case, fail)
    return case


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_surface(case: dict, fail) -> None:
    """A surface and starting point small enough to build, also outside the sandbox
    (hidden cases draw w0 from the dimension; the plots rebuild the surface)."""
    w0 = case.get("w0")
    if isinstance(w0, list) and len(w0) > MAX_VECTOR_LENGTH:
        fail(f"w0 holds {len(w0):,} values; at most {MAX_VECTOR_LENGTH:,}")
    if "surface" not in case:
        return
    surface = case["surface"]
    if not isinstance(surface, dict):
        fail("surface must be a table")
    curvatures = surface.get("curvatures")
    if isinstance(curvatures, list) and len(curvatures) > MAX_VECTOR_LENGTH:
        fail(f"surface.curvatures holds {len(curvatures):,} values; at most {MAX_VECTOR_LENGTH:,}")
    if "dim" in surface and not (_whole(surface["dim"]) and 1 <= surface["dim"] <= MAX_SURFACE_DIM):
        fail(f"surface.dim must be a whole number from 1 to {MAX_SURFACE_DIM}")


def _check_call_case(grading: dict, case: dict, fail) -> dict:
    args = grading["args"]
    calls = case.get("calls", [])
    if not isinstance(calls, list) or not all(isinstance(call, dict) for call in calls):
        fail("calls must be a list of tables")
    if "calls" in case and not calls:
        fail("calls is empty")
    if calls:
        if "steps" not in case:
            case["steps"] = len(calls)
        elif case["steps"] != len(calls):
            fail(f"steps = {case['steps']} but {len(calls)} calls are listed")
    elif "steps" not in case:
        fail("give the calls (calls = [...]) or their number (steps = N)")
    for number, call in enumerate(calls, start=1):
        unknown = sorted(set(call) - set(args) - {"raises"})
        if unknown:
            fail(f"call {number} sets {unknown}, which are not arguments ({args})")
        if "raises" in call:
            kind = getattr(builtins, str(call["raises"]), None)
            if not (isinstance(kind, type) and issubclass(kind, Exception)):
                fail(f"call {number}: raises = {call['raises']!r} is not a built-in exception")
    raising = [("raises" in call) for call in calls]
    if any(raising) and not all(raising):
        fail(
            "either every call of a case declares raises or none does "
            "(their traces hold different quantities)"
        )
    if any(raising) and "raised" not in grading["trace"]:
        fail('calls declare raises, so [grading] trace must include "raised"')
    shared = case.get("args", {})
    if not isinstance(shared, dict):
        fail("args must be a table")
    random_specs = case.get("random", {})
    if not isinstance(random_specs, dict):
        fail("random must be a table")
    for name, spec in random_specs.items():
        if isinstance(spec, dict) and spec.get("kind") == TRAINING_LOG:
            problem = training_log_problem(spec, args)
            if problem:
                fail(f"random.{name} (a training log): {problem}")
            continue
        shapes = spec.get("shapes", [spec.get("shape", [])]) if isinstance(spec, dict) else None
        if (
            name not in args
            or shapes is None
            or not isinstance(shapes, list)
            or not all(
                isinstance(s, list) and all(isinstance(n, int) and n >= 0 for n in s)
                for s in shapes
            )
            or not _is_number(spec.get("scale", 1.0))
        ):
            fail(
                f"random.{name} must name an argument and be {{ shape = [...] }} or "
                "{ shapes = [[...], ...] }, with an optional scale"
            )
        if any(len(shape) > MAX_ARRAY_DIMENSIONS for shape in shapes):
            fail(f"random.{name}: an array has at most {MAX_ARRAY_DIMENSIONS} dimensions")
        elements = sum(max(1, math.prod(shape)) for shape in shapes)
        if elements > MAX_ARRAY_ELEMENTS:
            fail(f"random.{name} makes {elements:,} elements; at most {MAX_ARRAY_ELEMENTS:,}")
    draw = [key for key in case.get("draw", {}) if key != "seed"]
    if draw and "args" not in case:
        case["args"] = {}  # drawn values go to the shared arguments
    supplied = set(shared) | set(draw) | random_arguments(random_specs)
    missing = [a for a in args if a not in supplied and not (calls and all(a in c for c in calls))]
    if missing:
        fail(f"no value for argument(s) {missing}")
    if "seed" in case and not isinstance(case["seed"], int):
        fail("seed must be an integer")
    return case


def _check_torch_case(grading: dict, case: dict, fail) -> None:
    driver = grading["driver"]
    model = case.get("model")
    if not isinstance(model, dict):
        fail('model = { kind = "mlp", sizes = [...] } is needed')
    sizes = model.get("sizes")
    if (
        model.get("kind", "mlp") != "mlp"
        or not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes)
    ):
        fail('model must be { kind = "mlp", sizes = [inputs, ..., outputs] } with positive sizes')
    parameters = sum(a * b + b for a, b in zip(sizes, sizes[1:], strict=False))
    if (
        len(sizes) > MAX_MODEL_LAYERS + 1
        or max(sizes) > MAX_MODEL_WIDTH
        or parameters > MAX_MODEL_PARAMETERS
    ):
        fail(
            f"model is too large: at most {MAX_MODEL_LAYERS} layers of at most "
            f"{MAX_MODEL_WIDTH} units and {MAX_MODEL_PARAMETERS:,} parameters"
        )
    if model.get("activation", "tanh") not in ACTIVATIONS:
        fail(f"model.activation must be one of {ACTIVATIONS}")
    if case.get("loss", "mse") not in LOSSES:
        fail(f"loss must be one of {LOSSES}")
    if case.get("device", "cpu") not in DEVICES:
        fail(f"device must be one of {DEVICES}")
    for key, least, kind in (("seed", 0, "a non-negative"), ("batch_size", 1, "a positive")):
        if key in case and (not isinstance(case[key], int) or case[key] < least):
            fail(f"{key} must be {kind} integer")
    if case.get("batch_size", 1) > MAX_DATA_POINTS:
        fail(f"batch_size is at most {MAX_DATA_POINTS:,}")
    data = case.get("data", {})
    if not isinstance(data, dict) or not all(key in ("n", "noise", "seed") for key in data):
        fail("data may set only n, noise and seed")
    if "n" in data and (not isinstance(data["n"], int) or data["n"] < 1):
        fail("data.n must be a positive integer")
    if data.get("n", 1) > MAX_DATA_POINTS:
        fail(f"data.n is at most {MAX_DATA_POINTS:,}")
    hyper = case.get("hyper", {})
    if not isinstance(hyper, dict):
        fail("hyper must be a table")
    drawn = set(case.get("draw", {}))
    if driver == "torch_train_step":
        optimizer = case.get("optimizer", {})
        if not isinstance(optimizer, dict) or optimizer.get("kind", "sgd") not in OPTIMIZERS:
            fail(f"optimizer must be a table whose kind is one of {OPTIMIZERS}")
        for key in ("lr", "max_norm"):
            if key not in hyper and key not in drawn:
                fail(f"hyper.{key} is needed")
        try:
            micro_batch_sizes(case, grading)
        except ValueError as exc:
            fail(str(exc))
        if "max_norm" in hyper and not _is_number(hyper["max_norm"]):
            fail("hyper.max_norm must be a number")
        lr = hyper.get("lr")
        if isinstance(lr, list):
            if len(lr) < case["steps"] or not all(_is_number(v) for v in lr):
                fail(f"hyper.lr lists {len(lr)} rates for {case['steps']} steps")
        elif lr is not None and not _is_number(lr):
            fail("hyper.lr must be a number or a list of numbers (one per step)")


# -- figures ---------------------------------------------------------------------------
def check_figures(figures, grading: dict, *, slug: str) -> tuple[dict, ...]:
    """Check `[[figures]]`: numbers printed in the lesson that the reference must reproduce."""
    if not isinstance(figures, list):
        raise BundleError("figures must be an array of tables ([[figures]])", path=TOML, slug=slug)
    if len(figures) > MAX_FIGURES:
        raise BundleError(
            f"a bundle has at most {MAX_FIGURES} figures; this one has {len(figures)}",
            path=TOML,
            slug=slug,
        )
    checked = []
    for index, figure in enumerate(figures):
        path = f"{TOML} [[figures]] #{index + 1}"

        def fail(message: str, path=path):
            raise BundleError(message, path=path, slug=slug)

        if not isinstance(figure, dict):
            fail("a figure must be a table")
        name = figure.get("name")
        if not isinstance(name, str) or not name:
            fail("missing key 'name'")
        for key, kind in (("case", dict), ("step", int), ("quantity", str), ("decimals", int)):
            if not isinstance(figure.get(key), kind) or isinstance(figure.get(key), bool):
                fail(f"figure {name!r}: {key!r} must be {kind.__name__}")
        if figure["quantity"] not in grading["trace"]:
            fail(
                f"figure {name!r}: quantity {figure['quantity']!r} is not traced "
                f"({grading['trace']})"
            )
        expected = figure.get("expected")
        if _is_number(expected):
            expected = [expected]
        if (
            not isinstance(expected, list)
            or not expected
            or not all(_is_number(v) for v in expected)
        ):
            fail(f"figure {name!r}: 'expected' must be a number or a list of numbers")
        if not all(math.isfinite(v) for v in expected):
            fail(f"figure {name!r}: expected values must be finite")
        if not 0 <= figure["decimals"] <= MAX_FIGURE_DECIMALS:
            fail(f"figure {name!r}: decimals must be between 0 and {MAX_FIGURE_DECIMALS}")
        if "draw" in figure["case"] or figure["case"].get("hidden"):
            fail(f"figure {name!r}: a figure's case is fixed (no draw, not hidden)")
        case = check_case(grading, {"name": name, **figure["case"]}, path, slug=slug)
        steps = case.get("steps")
        if not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
            fail(f"figure {name!r}: its case needs steps between 1 and {MAX_STEPS}")
        if not 1 <= figure["step"] <= steps:
            fail(f"figure {name!r}: step {figure['step']} is outside 1..{steps}")
        checked.append({**figure, "case": case, "expected": [float(v) for v in expected]})
    names = [figure["name"] for figure in checked]
    if len(set(names)) != len(names):
        raise BundleError("figure names must be unique", path=TOML, slug=slug)
    return tuple(checked)
