"""Step-by-step comparison of a trace against the reference trace."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Divergence:
    """Where a trace first left the reference. `step` is 1-based."""

    step: int
    quantity: str | None
    index: int | None
    expected: float | None
    got: float | None
    error: float | None
    reason: str = "value"

    def to_dict(self) -> dict:
        return {key: _json_float(value) for key, value in asdict(self).items()}


def _json_float(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _close(expected: float, got: float, rtol: float, atol: float) -> bool:
    if math.isnan(expected) or math.isnan(got):
        return math.isnan(expected) and math.isnan(got)
    if math.isinf(expected) or math.isinf(got):
        return expected == got
    return abs(got - expected) <= atol + rtol * abs(expected)


def first_divergence(
    expected: list[dict], got: list[dict], quantities: list[str], *, rtol: float, atol: float
) -> tuple[Divergence | None, int]:
    """Return (first divergence or None, number of steps that agreed)."""
    for step, want in enumerate(expected):
        if step >= len(got):
            return Divergence(step + 1, None, None, None, None, None, reason="ended early"), step
        have = got[step]
        for quantity in quantities:
            if len(want[quantity]) != len(have[quantity]):
                return Divergence(
                    step + 1, quantity, None, None, None, None, reason="wrong size"
                ), step
            for index, (e, g) in enumerate(zip(want[quantity], have[quantity], strict=True)):
                if not _close(e, g, rtol, atol):
                    error = abs(g - e) if math.isfinite(g) and math.isfinite(e) else math.inf
                    return Divergence(step + 1, quantity, index, e, g, error), step
    return None, len(expected)


def traces_match(
    a: list[dict], b: list[dict], quantities: list[str], *, rtol: float, atol: float
) -> bool:
    """True when two traces have the same length and agree at every step."""
    if len(a) != len(b):
        return False
    divergence, _ = first_divergence(a, b, quantities, rtol=rtol, atol=atol)
    return divergence is None


def step_errors(expected: list[dict], got: list[dict], quantities: list[str]) -> list[float | None]:
    """Per step, the largest absolute error over all traced values (for the error plot)."""
    errors: list[float | None] = []
    for want, have in zip(expected, got, strict=False):  # got may end early
        worst = 0.0
        for quantity in quantities:
            if len(want[quantity]) != len(have[quantity]):
                continue  # a buffer the program did not keep (a failed case): nothing to plot
            for e, g in zip(want[quantity], have[quantity], strict=True):
                if not (math.isfinite(e) and math.isfinite(g)):
                    worst = math.inf
                else:
                    worst = max(worst, abs(g - e))
        errors.append(worst if math.isfinite(worst) else None)
    return errors
