"""Naming what went wrong: known mistakes first, heuristics when none matches.

A failing program is matched against the traces of the bundle's known
mistakes on the same concrete cases. A mistake matches when, on every case
where the program left the reference, its trace agrees with the mistake's
trace step for step, and it agrees with the reference wherever the program did.
"""

from __future__ import annotations

import math

from ._compare import traces_match

MATCH_RTOL = 1e-6
MATCH_ATOL = 1e-9


def named_mistakes(prepared, run, indexes: list[int], quantities: list[str], bundle) -> list[dict]:
    found = []
    for mistake in bundle.mistakes:
        mistake_run = prepared.mistakes.get(mistake.id)
        if mistake_run is None:
            continue
        if _matches(mistake_run, run, indexes, quantities, prepared, bundle):
            found.append({"mistake": mistake.id, "title": mistake.title, "hint": mistake.hint})
    return found


def _matches(mistake_run, run, indexes, quantities, prepared, bundle) -> bool:
    left_reference = False
    for position, index in enumerate(indexes):
        got = run.traces[position]
        if got is None or run.errors[position]:
            return False
        if traces_match(
            prepared.reference[index], got, quantities, rtol=bundle.rtol, atol=bundle.atol
        ):
            continue
        left_reference = True
        theirs = mistake_run.traces[index]
        if theirs is None or not traces_match(
            theirs, got, quantities, rtol=MATCH_RTOL, atol=MATCH_ATOL
        ):
            return False
    return left_reference


HINTS = {
    "non-finite": (
        "Your values became NaN or infinite at step {step}. Look for a division by something "
        "that can be zero (eps belongs in the denominator, outside the square root) or for an "
        "update that grows every step."
    ),
    "first-step": (
        "Step 1 is already off ({quantity}). The update rule itself differs from the "
        "reference: check signs, which quantity is divided by which, and where lr multiplies."
    ),
    "drift": (
        "Step 1 agrees and step {step} does not: the rule is right but the state you carry "
        "between steps is not. Check how the running averages are updated and the bias "
        "correction with the step counter t."
    ),
    "shrinks": (
        "Your parameters shrink towards zero much faster than the reference: check the sign "
        "of the update and how weight decay is applied."
    ),
    "exception": "A case raised an exception; the message above says where.",
}


def heuristics(cases) -> list[dict]:
    """General hints from the shape of the first visible divergence."""
    for case in cases:
        if case.passed:
            continue
        if case.error:
            return [{"heuristic": "exception", "hint": HINTS["exception"]}]
        d = case.divergence
        if d is None or d.reason != "value":
            continue
        if d.got is None or not math.isfinite(d.got):
            return [{"heuristic": "non-finite", "hint": HINTS["non-finite"].format(step=d.step)}]
        if d.expected and abs(d.got) < 0.05 * abs(d.expected) and d.quantity == "w":
            return [{"heuristic": "shrinks", "hint": HINTS["shrinks"]}]
        if d.step == 1:
            return [
                {"heuristic": "first-step", "hint": HINTS["first-step"].format(quantity=d.quantity)}
            ]
        return [{"heuristic": "drift", "hint": HINTS["drift"].format(step=d.step)}]
    return []
