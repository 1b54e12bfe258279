"""Validating a bundle before it is published: does it grade what it claims to grade?

    report = validate_bundle(load_bundle("exercises/bank/adamw"))
    report.ok, report.format(), report.to_dict()

Every program of the bundle (reference, starter, mistakes, agreement
implementations) runs in the sandbox exactly like student code, and every
comparison happens here, outside it. The checks:

- the reference runs every visible case and every drawn hidden variant;
- the reference gives bit-identical traces when run again;
- the starter fails;
- every mistake fails and is named as itself and nothing else;
- every convention's example program fails and is named as that convention alone;
- no two mistakes have identical traces on every case;
- every mistake leaves the reference on at least one visible case;
- every agreement program passes every case;
- every figure printed in the lesson is reproduced by the reference.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import random
from dataclasses import dataclass, field

from . import _cases
from ._attribute import MATCH, MATCH_ATOL
from ._bundle import Bundle, Mistake, Program
from ._compare import Divergence, first_divergence, traces_match
from ._grade import GraderError, Prepared, ProgramRun, grade, prepared_for, run_program
from ._grade import _program_failure as program_failure
from ._pool import SandboxPool

MAX_DETAIL = 600


@dataclass(frozen=True)
class Check:
    """One validation check: what was checked, whether it held, and what was seen."""

    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass
class ValidationReport:
    slug: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def to_dict(self) -> dict:
        return {"slug": self.slug, "ok": self.ok, "checks": [c.to_dict() for c in self.checks]}

    def format(self) -> str:
        if self.ok:
            head = f"{self.slug}: valid ({len(self.checks)} checks passed)"
        else:
            failed = f"{len(self.failures)} of {len(self.checks)} checks failed"
            head = f"{self.slug}: INVALID ({failed})"
        lines = [head]
        lines += [f"  {'ok  ' if c.ok else 'FAIL'}  {c.name}: {c.detail}" for c in self.checks]
        return "\n".join(lines)


def validate_bundle(bundle: Bundle, *, pool: SandboxPool | None = None) -> ValidationReport:
    """Run every check on `bundle` in the sandbox and report each one.

    A failing check is a result, never an exception; only an infrastructure
    fault (the sandbox could not start) raises.
    """
    report = ValidationReport(bundle.slug)
    add = report.checks.append
    try:
        prepared = prepared_for(bundle, pool=pool)
    except GraderError as exc:
        message = str(exc).removeprefix(f"{bundle.slug}: ")
        add(
            Check(
                "reference passes",
                False,
                f"solution.py: {_trim(message)} (the other checks need a working reference "
                "and were not run)",
            )
        )
        return report
    add(_reference_check(bundle, prepared))
    add(_determinism_check(bundle, prepared, pool))
    add(_starter_check(bundle, pool))
    for mistake in bundle.mistakes:
        add(_mistake_check(bundle, mistake, pool))
    for convention in bundle.conventions:
        add(_convention_check(bundle, convention, pool))
    add(_distinct_check(bundle, prepared))
    for mistake in bundle.mistakes:
        add(_visible_check(bundle, mistake, prepared))
    for program in bundle.agreements:
        add(_agreement_check(bundle, program, prepared, pool))
    report.checks += _figure_checks(bundle, pool)
    return report


# -- helpers ---------------------------------------------------------------------------
def _trim(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 3] + "..."


def _label(case: dict) -> str:
    return f"{'hidden' if case.get('hidden') else 'visible'} case {case['name']!r}"


def _where(divergence: Divergence) -> str:
    if divergence.reason != "value":
        return f"its trace ends early, at step {divergence.step}"
    return (
        f"at step {divergence.step}, {divergence.quantity}[{divergence.index}] = "
        f"{divergence.got!r}, expected {divergence.expected!r}"
    )


def _shapes(reference: list[list]) -> list[dict]:
    return [{q: len(v) for q, v in trace[0].items()} if trace else {} for trace in reference]


def _identical(a: list, b: list) -> bool:
    return json.dumps(a) == json.dumps(b)


def _imports_torch(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "torch" for a in node.names
        ):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "torch"
        ):
            return True
    return False


def _grade(bundle: Bundle, source: str, pool: SandboxPool | None):
    # A fixed choice of hidden variant, so a report can be reproduced.
    return grade(bundle, source, pool=pool, rng=random.Random(0))


# -- checks ----------------------------------------------------------------------------
def _reference_check(bundle: Bundle, prepared: Prepared) -> Check:
    name = "reference passes"
    for case, trace in zip(prepared.cases, prepared.reference, strict=True):
        if len(trace) < int(case["steps"]):
            return Check(
                name,
                False,
                f"solution.py stops after {len(trace)} of {case['steps']} steps on "
                f"{_label(case)}: its values are no longer finite",
            )
    hidden = len(bundle.hidden_cases)
    return Check(
        name,
        True,
        f"solution.py runs all {len(prepared.visible)} visible cases and "
        f"{len(prepared.variants)} draws of the {hidden} hidden case(s)",
    )


def _determinism_check(bundle: Bundle, prepared: Prepared, pool: SandboxPool | None) -> Check:
    name = "reference is deterministic"
    again = run_program(bundle, bundle.solution, prepared.cases, pool=pool)
    failure = program_failure(again)
    if failure is not None:
        return Check(name, False, f"solution.py failed when run again: {_trim(failure)}")
    for case, first, second, error in zip(
        prepared.cases, prepared.reference, again.traces, again.errors, strict=True
    ):
        if error or second is None:
            return Check(
                name,
                False,
                f"solution.py raised on {_label(case)} when run again: "
                f"{_trim(error or 'no trace')}",
            )
        if _identical(first, second):
            continue
        where = f"its trace has {len(second)} steps instead of {len(first)}"
        for step, (a, b) in enumerate(zip(first, second, strict=False), start=1):
            quantity = next((q for q in a if not _identical(a[q], b.get(q))), None)
            if quantity is None:
                continue
            old, new = a[quantity], b.get(quantity) or []
            if len(old) != len(new):
                where = f"step {step}, {quantity} has {len(old)} values then {len(new)}"
            else:
                index = next(
                    i for i, (x, y) in enumerate(zip(old, new, strict=True)) if not _identical(x, y)
                )
                where = f"step {step}, {quantity}[{index}] is {old[index]!r} then {new[index]!r}"
            break
        return Check(
            name,
            False,
            f"solution.py gives different traces on two runs of {_label(case)}: {where}. "
            "Seed every random draw from the case",
        )
    return Check(
        name,
        True,
        f"solution.py gives bit-identical traces on a second run "
        f"of all {len(prepared.cases)} cases",
    )


def _starter_check(bundle: Bundle, pool: SandboxPool | None) -> Check:
    result = _grade(bundle, bundle.starter, pool)
    if result.verdict == "passed":
        return Check(
            "starter fails",
            False,
            f"starter.py passes every case ({len(result.cases)} graded): a student "
            "would pass without writing anything",
        )
    return Check("starter fails", True, f"starter.py: {result.verdict}: {_trim(result.message)}")


def _mistake_check(bundle: Bundle, mistake: Mistake, pool: SandboxPool | None) -> Check:
    name = f"mistake {mistake.id} is named"
    path = f"mistakes/{mistake.id}.py"
    result = _grade(bundle, mistake.source, pool)
    if result.verdict == "passed":
        return Check(
            name,
            False,
            f"{path} passes every case ({len(result.cases)} graded): "
            "the cases do not catch this mistake",
        )
    named = [d["mistake"] for d in result.diagnoses]
    if named == [mistake.id]:
        return Check(
            name, True, f"{path} fails ({_trim(result.message)}) and is named {mistake.id} alone"
        )
    if not named:
        return Check(
            name,
            False,
            f"{path} fails ({result.verdict}: {_trim(result.message)}) "
            "but is not named: it must run and fail the same way every time",
        )
    others = [f"mistakes/{other}.py" for other in named if other != mistake.id]
    return Check(
        name,
        False,
        f"{path} is named {', '.join(named)}; it must be named {mistake.id} alone: its "
        f"trace matches {', '.join(others)} wherever it leaves the reference. Add a case "
        "on which they differ",
    )


def _convention_check(bundle: Bundle, convention, pool: SandboxPool | None) -> Check:
    name = f"convention {convention.id} is recognised"
    path = convention.path
    result = _grade(bundle, convention.source, pool)
    if result.verdict == "passed":
        return Check(
            name,
            False,
            f"{path} passes every case: in this exercise's cases the convention changes "
            "nothing, so there is nothing to recognise",
        )
    named = [(d["mistake"], d.get("kind")) for d in result.diagnoses]
    if named == [(convention.id, "convention")]:
        return Check(name, True, f"{path} fails and is recognised as {convention.id} alone")
    if not named:
        return Check(
            name,
            False,
            f"{path} fails ({result.verdict}: {_trim(result.message)}) but is not "
            "recognised: the reference run with the convention's inputs and shift does not "
            f"reproduce it on {', '.join(sorted({u['case'] for u in result.unexplained}))}",
        )
    shown = ", ".join(key for key, _ in named)
    return Check(name, False, f"{path} is named {shown}; it must be {convention.id} alone")


def _whole_failure(run: ProgramRun | None) -> str | None:
    if run is None:
        return "it was not run"
    return program_failure(run)


def _distinct_check(bundle: Bundle, prepared: Prepared) -> Check:
    name = "mistakes are distinct"
    runs = [(m, prepared.mistakes.get(m.id)) for m in bundle.mistakes]
    runs = [(m, run) for m, run in runs if _whole_failure(run) is None]
    same = []
    for position, (first, run_a) in enumerate(runs):
        for second, run_b in runs[position + 1 :]:
            if all(
                _same_case(a, b, ea, eb, bundle)
                for a, b, ea, eb in zip(
                    run_a.traces, run_b.traces, run_a.errors, run_b.errors, strict=True
                )
            ):
                same.append(f"mistakes/{first.id}.py and mistakes/{second.id}.py")
    if same:
        return Check(
            name,
            False,
            "identical traces on every case: "
            + "; ".join(same)
            + ". A student could not be told which one they made: drop one or add a "
            "case on which they differ",
        )
    return Check(name, True, f"the {len(bundle.mistakes)} mistakes all leave different traces")


def _same_case(a, b, error_a, error_b, bundle: Bundle) -> bool:
    if bool(error_a) != bool(error_b) or a is None or b is None:
        return a is None and b is None
    quantities = list(bundle.grading["trace"])
    return traces_match(a, b, quantities, rtol=MATCH, atol=MATCH_ATOL)


def _visible_check(bundle: Bundle, mistake: Mistake, prepared: Prepared) -> Check:
    name = f"mistake {mistake.id} shows on a visible case"
    path = f"mistakes/{mistake.id}.py"
    run = prepared.mistakes.get(mistake.id)
    failure = _whole_failure(run)
    if failure is not None:
        return Check(name, False, f"{path} did not run: {_trim(failure)}")
    quantities = list(bundle.grading["trace"])
    for index in prepared.visible:
        case = prepared.cases[index]
        if run.errors[index]:
            return Check(name, True, f"{path} raises on {_label(case)}")
        divergence, _ = first_divergence(
            prepared.reference[index],
            run.traces[index] or [],
            quantities,
            rtol=bundle.rtol,
            atol=bundle.atol,
        )
        if divergence is not None:
            return Check(
                name, True, f"{path} leaves the reference on {_label(case)} {_where(divergence)}"
            )
    return Check(
        name,
        False,
        f"{path} agrees with the reference on every visible case (rtol={bundle.rtol:g}, "
        f"atol={bundle.atol:g}): only hidden cases catch it, so a student who makes it "
        "cannot see where. Add a visible case that shows it",
    )


def _agreement_check(
    bundle: Bundle, program: Program, prepared: Prepared, pool: SandboxPool | None
) -> Check:
    name = f"agreement {program.id} passes"
    runtime = "torch" if bundle.runtime == "torch" or _imports_torch(program.source) else "numpy"
    runner = dataclasses.replace(bundle, runtime=runtime) if runtime != bundle.runtime else bundle
    run = run_program(
        runner, program.source, prepared.cases, pool=pool, shapes=_shapes(prepared.reference)
    )
    failure = program_failure(run)
    if failure is not None:
        return Check(
            name, False, f"{program.path} did not run ({runtime} sandbox): {_trim(failure)}"
        )
    quantities = list(bundle.grading["trace"])
    for index, case in enumerate(prepared.cases):
        if run.errors[index]:
            return Check(
                name, False, f"{program.path} raises on {_label(case)}: {_trim(run.errors[index])}"
            )
        divergence, _ = first_divergence(
            prepared.reference[index],
            run.traces[index] or [],
            quantities,
            rtol=bundle.rtol,
            atol=bundle.atol,
        )
        if divergence is not None:
            return Check(
                name,
                False,
                f"{program.path} leaves the reference on {_label(case)} {_where(divergence)}",
            )
    return Check(
        name, True, f"{program.path} passes all {len(prepared.cases)} cases ({runtime} sandbox)"
    )


def _figure_checks(bundle: Bundle, pool: SandboxPool | None) -> list[Check]:
    if not bundle.figures:
        return []
    cases = [_cases.materialise(figure["case"], random.Random(0)) for figure in bundle.figures]
    run = run_program(bundle, bundle.solution, cases, pool=pool)
    failure = program_failure(run)
    checks = []
    for index, figure in enumerate(bundle.figures):
        name = f"figure {figure['name']}"
        where = f"exercise.toml [[figures]] #{index + 1}"
        if failure is not None:
            checks.append(
                Check(
                    name,
                    False,
                    f"{where}: solution.py did not run on the figures' cases: {_trim(failure)}",
                )
            )
            continue
        checks.append(_figure_check(name, where, figure, run.traces[index], run.errors[index]))
    return checks


def _figure_check(name: str, where: str, figure: dict, trace, error) -> Check:
    step, quantity, decimals = figure["step"], figure["quantity"], figure["decimals"]
    expected = figure["expected"]
    if error:
        return Check(
            name, False, f"{where}: solution.py raises on the figure's case: {_trim(error)}"
        )
    if trace is None or len(trace) < step:
        steps = len(trace or [])
        return Check(
            name,
            False,
            f"{where}: solution.py's trace ends after {steps} steps, "
            f"before the figure's step {step}",
        )
    got = trace[step - 1][quantity]

    def shown(values):
        return "[" + ", ".join(f"{v:.{decimals}f}" for v in values) + "]"

    if len(got) != len(expected):
        return Check(
            name,
            False,
            f"{where}: the reference gives {len(got)} values of {quantity} "
            f"at step {step}; the figure prints {len(expected)}",
        )
    if all(round(g, decimals) == round(e, decimals) for g, e in zip(got, expected, strict=True)):
        return Check(name, True, f"the reference gives {quantity} = {shown(got)} at step {step}")
    return Check(
        name,
        False,
        f"{where}: the reference gives {quantity} = {shown(got)} at step {step}, "
        f"the figure prints {shown(expected)} (rounded to {decimals} decimals)",
    )
