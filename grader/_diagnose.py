"""Words for what went wrong: named mistakes and conventions, and hints when none fits.

`_attribute` finds which known mistakes explain a failing run; this module
says it: the mistakes' titles and hints, a convention's explanation, and,
for what no known mistake explains, a hint written for the kind of exercise
(a schedule is not an optimizer with running averages), with exceptions named
exactly and an interface slip told apart from wrong maths.
"""

from __future__ import annotations

import math

from ._compare import first_divergence
from .harness.drivers_call import NOTHING, OTHER


def family(bundle) -> str:
    """The kind of exercise, from how it is driven."""
    driver = bundle.grading["driver"]
    if driver == "optimizer_step":
        return "optimizer" if bundle.grading.get("state") else "update"
    return {
        "schedule": "schedule",
        "call": "function",
        "torch_optimizer": "torch-optimizer",
        "torch_train_step": "train-step",
    }.get(driver, "function")


def describe(found: list[dict], bundle) -> list[dict]:
    """Titles and hints for attributed mistakes and conventions, most cases first."""
    mistakes = {m.id: m for m in bundle.mistakes}
    conventions = {c.id: c for c in bundle.conventions}
    described = []
    for item in found:
        key = item["mistake"]
        if item["kind"] == "convention" and key in conventions:
            convention = conventions[key]
            title, hint = convention.title, convention.explanation
        elif key in mistakes:
            title, hint = mistakes[key].title, mistakes[key].hint
        else:
            continue
        described.append({**item, "title": title, "hint": hint})
    described.sort(key=lambda d: (-len(d["explains"]), d["kind"] != "mistake", d["mistake"]))
    return described


# -- hints for what no known mistake explains ------------------------------------------
HINTS = {
    "non-finite": {
        "default": (
            "Your values became NaN or infinite at step {step}. Look for a division by "
            "something that can be zero or for an update that grows every step."
        ),
        "optimizer": (
            "Your values became NaN or infinite at step {step}. Look for a division by "
            "something that can be zero (eps belongs in the denominator, outside the square "
            "root) or for an update that grows every step."
        ),
        "schedule": (
            "Your rate became NaN or infinite at step {step}: a division by a length that "
            "is zero for this case (a warmup or decay of zero steps?)."
        ),
    },
    "first-step": {
        "default": (
            "The very first value is already off ({quantity}). The formula itself differs "
            "from the one asked: check signs, which quantity is divided by which, and where "
            "each argument enters."
        ),
        "optimizer": (
            "Step 1 is already off ({quantity}). The update rule itself differs from the "
            "reference: check signs, which quantity is divided by which, and where lr "
            "multiplies."
        ),
        "update": (
            "Step 1 is already off ({quantity}). The update itself differs: check its sign "
            "and where lr multiplies the gradient."
        ),
        "schedule": (
            "The rate at step 0 is already off. Check where the schedule starts: which step "
            "counts as the first (0 or 1) and what fraction of the peak it gets."
        ),
        "torch-optimizer": (
            "The parameters are off after the first step() ({quantity}). Check the update "
            "you apply in place to p: its sign, where lr multiplies, and what is read from "
            "p.grad."
        ),
        "train-step": (
            "The first training step already differs ({quantity}). Check the order: zero "
            "the gradients, compute the loss, backward, clip, set the rate, step."
        ),
    },
    "later": {
        "default": (
            "The first {agreed} values agree and then yours leave the reference (at "
            "{quantity}). Compare the inputs of that call with the earlier ones: which "
            "argument or branch only matters there?"
        ),
        "optimizer": (
            "Step 1 agrees and step {step} does not: the rule is right but the state you "
            "carry between steps is not. Check how the running averages are updated and "
            "the bias correction with the step counter t."
        ),
        "update": (
            "Step 1 agrees and step {step} does not: check what changes between steps (a "
            "per-step learning rate, or something kept from the previous call)."
        ),
        "schedule": (
            "Your rates agree until step {zero_based} (counting from 0) and then differ: "
            "check the boundary between the phases there (the last warmup step, the start "
            "or the length of the decay) and whether that step is inside the right branch."
        ),
        "torch-optimizer": (
            "The first step agrees and step {step} does not: check what you keep in "
            "self.state[p] between calls (its initial value, how it is updated, the step "
            "count) rather than the update itself."
        ),
        "train-step": (
            "The first step agrees and step {step} does not: something carries over "
            "between steps. Check that gradients are zeroed every step and that the rate "
            "is set before optimizer.step()."
        ),
    },
    "shrinks": {
        "default": (
            "Your parameters shrink towards zero much faster than the reference: check the "
            "sign of the update and how weight decay is applied."
        ),
    },
    "exception": {
        "default": "A case raised an exception; the message above says where.",
    },
    "ended-early": {
        "default": (
            "Your trace stops at step {step}: the values stopped being finite there, so "
            "later steps could not be compared."
        ),
    },
}


def _hint(kind: str, exercise: str, **values) -> str:
    table = HINTS[kind]
    return table.get(exercise, table["default"]).format(**values)


def heuristics(cases, bundle) -> list[dict]:
    """A hint from the most informative failing case, in the words of its kind of exercise."""
    exercise = family(bundle)
    hints = interface_hints(cases, bundle)
    for case in sorted(
        (c for c in cases if not c.passed),
        key=lambda c: (
            c.hidden,
            not c.error,
            -(math.inf if c.relative_error is None else c.relative_error),
        ),
    ):
        raised = raised_message(case)
        if raised:
            return hints + [{"heuristic": "exception-type", "hint": raised}]
        if case.error:
            if hints:
                return hints
            return [{"heuristic": "exception", "hint": HINTS["exception"]["default"]}]
        d = case.divergence
        if d is None:
            continue
        if d.reason == "ended early":
            return [
                {"heuristic": "ended-early", "hint": _hint("ended-early", exercise, step=d.step)}
            ]
        if d.reason != "value":
            continue
        if d.got is None or not math.isfinite(d.got):
            return [{"heuristic": "non-finite", "hint": _hint("non-finite", exercise, step=d.step)}]
        params = d.quantity in ("w", "params")
        if params and d.expected and abs(d.got) < 0.05 * abs(d.expected):
            return [{"heuristic": "shrinks", "hint": _hint("shrinks", exercise)}]
        if d.step == 1:
            hint = _hint("first-step", exercise, quantity=d.quantity)
            return [{"heuristic": "first-step", "hint": hint}]
        hint = _hint(
            "later",
            exercise,
            step=d.step,
            zero_based=d.step - 1,
            agreed=d.step - 1,
            quantity=d.quantity,
        )
        return [{"heuristic": "drift", "hint": hint}]
    return hints


def raised_message(case) -> str | None:
    """For a call that had to raise: exactly what was asked and what happened instead."""
    d = case.divergence
    if d is None or d.quantity != "raised" or d.reason != "value" or case.case is None:
        return None
    calls = case.case.get("calls") or []
    number = d.step - 1
    asked = calls[number].get("raises") if 0 <= number < len(calls) else None
    if asked is None:
        return None
    which = f"Call {d.step}" if case.hidden else f"Call {d.step} of case {case.name!r}"
    if d.got == NOTHING:
        return f"{which} returned normally; it must raise {asked}."
    if d.got == OTHER:
        raised = dict((n, kind) for n, kind in (case.notes or {}).get("raised", []))
        kind = raised.get(number, "another exception")
        return (
            f"{which} raised {kind} where {asked} is asked. Raise exactly {asked} (or a "
            f"subclass of it): callers catch {asked}, and {kind} is not one."
        )
    return None


def interface_hints(cases, bundle) -> list[dict]:
    """A quantity left empty (a buffer kept under another name): is the update itself right?"""
    quantities = list(bundle.grading["trace"])
    judged, kept = [], []
    for case in cases:
        if case.passed or not case.error or not case.trace or case.reference is None:
            continue
        empty = [q for q in quantities if any(not record.get(q) for record in case.trace)]
        kept = [q for q in quantities if q not in empty]
        if not empty or not kept or len(case.trace) != len(case.reference):
            continue
        divergence, _ = first_divergence(
            case.reference, case.trace, kept, rtol=bundle.rtol, atol=bundle.atol
        )
        if divergence is not None:
            hint = (
                f"Besides the buffer names, the update itself differs: {', '.join(kept)} "
                f"leave the reference at step {divergence.step} of {case.name!r}."
            )
            return [{"heuristic": "interface", "hint": hint, "update_right": False}]
        judged.append(case)
    if not judged:
        return []
    cases_word = "case" if len(judged) == 1 else f"all {len(judged)} cases"
    hint = (
        f"Apart from that, your update is right: {', '.join(kept)} agree with the reference "
        f"at every step of {cases_word} where the buffers were missing. Only the names of "
        "the state buffers differ from the ones asked."
    )
    return [{"heuristic": "interface-only", "hint": hint, "update_right": True}]
