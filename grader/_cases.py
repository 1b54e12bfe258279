"""Turning a bundle's case declarations into concrete inputs.

Visible cases are fixed, so a student can reproduce them. Hidden cases draw
their hyper-parameters and seeds afresh from the ranges the bundle declares,
so the grader cannot be used as an oracle for them.
"""

from __future__ import annotations

import random

_SIGNIFICANT = 6


def _round(value: float) -> float:
    return float(f"{value:.{_SIGNIFICANT}g}")


def materialise(case: dict, rng: random.Random) -> dict:
    """A concrete, JSON-able copy of `case` with every drawn value filled in."""
    concrete = {key: value for key, value in case.items() if key != "draw"}
    concrete["hidden"] = bool(case.get("hidden"))
    draw = case.get("draw", {})
    target = "args" if "args" in case else "hyper"
    values = dict(case.get(target, {}))
    for key, bounds in draw.items():
        if key == "seed":
            continue
        low, high = bounds
        if isinstance(low, int) and isinstance(high, int):
            values[key] = rng.randint(low, high)
        else:
            values[key] = _round(rng.uniform(low, high))
    if values or target in case:
        concrete[target] = values
    surface = dict(case.get("surface", {}))
    if surface:
        if draw.get("seed") or (surface.get("kind") == "quadratic" and "seed" not in surface):
            surface["seed"] = rng.randrange(2**31)
        concrete["surface"] = surface
        if "w0" not in case:
            dim = int(surface.get("dim", 2))
            concrete["w0"] = [_round(rng.gauss(0.0, 1.5)) for _ in range(dim)]
    elif draw.get("seed"):
        # No surface: the case's own seed drives its random inputs (arrays, model, data).
        concrete["seed"] = rng.randrange(2**31)
    return concrete
