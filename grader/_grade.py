"""Grading: run a program in the sandbox, compare its traces, name its mistake.

The reference and every known mistake run through the very same sandbox as
student code. Their traces are computed once per bundle version (cached by
content hash, with a pool of hidden-case variants) and never enter a sandbox.
"""

from __future__ import annotations

import math
import os
import random
import signal as signals
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from . import _attribute, _cases, _compose, _conventions, _diagnose
from ._bundle import Bundle
from ._compare import Divergence, first_divergence, step_errors
from ._pool import SandboxPool
from ._sandbox import Outcome

GRADER_VERSION = "1.0"
MAX_SOURCE_BYTES = 64 * 1024
HIDDEN_VARIANTS = int(os.environ.get("TRACELAB_HIDDEN_VARIANTS", "6"))
MAX_VALUES_PER_RECORD = 1 << 16
VERDICTS = ("passed", "failed", "error", "timeout", "rejected")


class GraderError(RuntimeError):
    """The exercise itself could not be run (its reference failed): not the student's fault."""


@dataclass
class CaseResult:
    name: str
    hidden: bool
    passed: bool
    steps_compared: int
    steps_total: int
    divergence: Divergence | None = None
    error: str | None = None
    trace: list | None = field(default=None, repr=False)
    reference: list | None = field(default=None, repr=False)
    case: dict | None = field(default=None, repr=False)
    # The largest error relative to the size of the reference's values: how far the case left.
    relative_error: float | None = None
    notes: dict | None = field(default=None, repr=False)

    def to_dict(self, quantities: list[str]) -> dict:
        data = {
            "name": self.name,
            "hidden": self.hidden,
            "passed": self.passed,
            "steps_compared": self.steps_compared,
            "steps_total": self.steps_total,
            "divergence": self.divergence.to_dict() if self.divergence else None,
            "error": self.error,
            "relative_error": self.relative_error,
        }
        if self.hidden:
            # Hidden cases say where, never what: no inputs, values or messages leave.
            if self.divergence:
                data["divergence"] = {"step": self.divergence.step}
            data["error"] = "raised an exception" if self.error else None
            data["relative_error"] = None
            return data
        if not self.hidden and self.trace is not None and self.reference is not None:
            data["plot"] = _strict_json(
                {
                    "quantities": quantities,
                    "reference": self.reference,
                    "got": self.trace,
                    "step_error": step_errors(self.reference, self.trace, quantities),
                    "case": self.case,
                }
            )
        return data


def _strict_json(value):
    """NaN and infinities become None: results are stored as strict JSON (jsonb refuses them)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict_json(item) for item in value]
    return value


@dataclass
class Result:
    verdict: str
    score: float
    message: str
    cases: list[CaseResult] = field(default_factory=list)
    diagnoses: list[dict] = field(default_factory=list)
    hints: list[dict] = field(default_factory=list)
    # Failing cases no known mistake explains, and the shape they share (for the instructor).
    unexplained: list[dict] = field(default_factory=list)
    signature: str | None = None
    stdout: str = ""
    stderr: str = ""
    resources: dict = field(default_factory=dict)
    quantities: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "message": self.message,
            "cases": [case.to_dict(self.quantities) for case in self.cases],
            "diagnoses": self.diagnoses,
            "hints": self.hints,
            "unexplained": self.unexplained,
            "signature": self.signature,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "resources": self.resources,
            "grader_version": GRADER_VERSION,
        }


@dataclass
class ProgramRun:
    """A program's traces after strict checking of what came out of the sandbox."""

    outcome: Outcome
    fatal: dict | None = None
    traces: list[list | None] = field(default_factory=list)
    errors: list[str | None] = field(default_factory=list)
    notes: list[dict | None] = field(default_factory=list)
    done: bool = False
    malformed: str | None = None


@dataclass
class Prepared:
    """A bundle version's concrete cases and the traces of its reference and mistakes."""

    bundle: Bundle
    cases: list[dict]
    visible: list[int]
    variants: list[list[int]]
    reference: list[list]
    mistakes: dict[str, ProgramRun]
    # Per convention, the reference's records lined up with a program's steps, per case.
    conventions: dict[str, list] = field(default_factory=dict)
    # Pairs of mistakes merged into one program: computed when a failure first needs them.
    pairs: list | None = None
    pairs_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The candidates' traces as arrays, made on a first failure and kept for the next.
    arrays: dict = field(default_factory=dict, repr=False)


# -- running programs --------------------------------------------------------------
_default_pool: SandboxPool | None = None
_pool_lock = threading.Lock()


def default_pool() -> SandboxPool:
    global _default_pool
    with _pool_lock:
        if _default_pool is None:
            _default_pool = SandboxPool(gpu=gpu_available())
        return _default_pool


def gpu_available() -> bool:
    """Whether this worker grades torch exercises on its GPU (TRACELAB_GPU=1|0|auto)."""
    setting = os.environ.get("TRACELAB_GPU", "auto")
    if setting in ("0", "1"):
        return setting == "1"
    return os.path.exists("/dev/nvidia0") and os.path.exists("/dev/nvidiactl")


def device_for(bundle: Bundle, pool: SandboxPool) -> str:
    """Where this pool runs the bundle: torch exercises that allow it go to the GPU."""
    if pool.gpu and bundle.runtime == "torch" and bundle.device in ("gpu", "any"):
        return "cuda"
    return "cpu"


def _is_number(value) -> bool:
    if isinstance(value, float):
        return True
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    # JSON integers are unbounded: one past the float range would raise
    # OverflowError in the comparison, outside any sandbox.
    try:
        float(value)
    except OverflowError:
        return False
    return True


def _check_trace(
    trace, case: dict, quantities: list[str], shapes: dict | None, *, failed: bool = False
) -> str | None:
    """Why a trace is not what the harness sends, or None.

    A case that failed (`failed`) may leave a quantity empty: a state buffer kept
    under another name, while the parameters were still traced.
    """
    if not isinstance(trace, list) or len(trace) > int(case.get("steps", 0)):
        return "trace is not a list of at most `steps` records"
    for record in trace:
        if not isinstance(record, dict) or set(record) != set(quantities):
            return "trace record has the wrong quantities"
        for quantity, values in record.items():
            if not isinstance(values, list) or len(values) > MAX_VALUES_PER_RECORD:
                return f"{quantity} is not a list"
            if (
                shapes is not None
                and len(values) != shapes[quantity]
                and not (failed and not values)
            ):
                return f"{quantity} has {len(values)} values, expected {shapes[quantity]}"
            if not all(_is_number(v) for v in values):
                return f"{quantity} holds something other than numbers"
    return None


MAX_NOTES = 64


def _check_notes(notes) -> str | None:
    """Notes are {"raised": [[call number, exception type name], ...]}, or absent."""
    if notes is None:
        return None
    if not isinstance(notes, dict) or set(notes) - {"raised"}:
        return "case notes are not what the harness writes"
    raised = notes.get("raised", [])
    if not isinstance(raised, list) or len(raised) > MAX_NOTES:
        return "case notes are not what the harness writes"
    for item in raised:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], int)
            and not isinstance(item[0], bool)
            and isinstance(item[1], str)
            and item[1].isidentifier()
            and len(item[1]) <= 100
        ):
            return "case notes are not what the harness writes"
    return None


def _parse_run(
    outcome: Outcome, cases: list[dict], quantities: list[str], shapes: list[dict] | None
) -> ProgramRun:
    run = ProgramRun(
        outcome=outcome,
        traces=[None] * len(cases),
        errors=[None] * len(cases),
        notes=[None] * len(cases),
    )
    if outcome.malformed:
        run.malformed = outcome.malformed
        return run
    for frame in outcome.frames:
        if not isinstance(frame, dict):
            run.malformed = "a result frame is not an object"
            return run
        if "fatal" in frame and isinstance(frame["fatal"], dict):
            run.fatal = {k: frame["fatal"].get(k) for k in ("kind", "message", "line", "offset")}
            # Anyone can write a fatal frame: keep positions only when they are plausible.
            for key in ("line", "offset"):
                value = run.fatal[key]
                is_int = isinstance(value, int) and not isinstance(value, bool)
                if not (is_int and 0 <= value < 10**7):
                    run.fatal[key] = None
            return run
        if frame.get("done") is True:
            run.done = True
            continue
        index = frame.get("case")
        if (
            not isinstance(index, int)
            or not 0 <= index < len(cases)
            or run.traces[index] is not None
        ):
            run.malformed = "a result frame names an unknown or repeated case"
            return run
        error = frame.get("error")
        if error is not None and not isinstance(error, str):
            run.malformed = "a case error is not text"
            return run
        problem = _check_trace(
            frame.get("trace"),
            cases[index],
            quantities,
            shapes[index] if shapes else None,
            failed=bool(error),
        ) or _check_notes(frame.get("notes"))
        if problem:
            run.malformed = problem
            return run
        run.traces[index] = frame["trace"]
        run.errors[index] = error[:2000] if error else None
        run.notes[index] = frame.get("notes")
    return run


def run_program(
    bundle: Bundle,
    source: str,
    cases: list[dict],
    *,
    pool: SandboxPool | None = None,
    shapes: list[dict] | None = None,
) -> ProgramRun:
    """Run `source` on `cases` in a sandbox and check what it sent back."""
    pool = pool or default_pool()
    spec = bundle.grading
    if device_for(bundle, pool) == "cuda":
        spec = {**spec, "device": "cuda"}
    job = {"source": source, "spec": spec, "cases": cases}
    outcome = pool.run(bundle.runtime, job, bundle.limits)
    return _parse_run(outcome, cases, bundle.grading["trace"], shapes)


# -- preparing a bundle version ------------------------------------------------------
_prepared: OrderedDict[str, Prepared] = OrderedDict()
_prepared_lock = threading.Lock()


def _shapes(reference: list[list]) -> list[dict]:
    return [{q: len(v) for q, v in trace[0].items()} if trace else {} for trace in reference]


def prepare(
    bundle: Bundle,
    *,
    pool: SandboxPool | None = None,
    variants: int | None = None,
    rng: random.Random | None = None,
) -> Prepared:
    """Materialise cases (with fresh hidden variants) and compute reference and mistake traces."""
    rng = rng or random.SystemRandom()
    count = HIDDEN_VARIANTS if variants is None else variants
    cases: list[dict] = []
    visible = []
    for case in bundle.visible_cases:
        visible.append(len(cases))
        cases.append(_cases.materialise(case, random.Random(0)))
    variant_sets = []
    for _ in range(count if bundle.hidden_cases else 0):
        indexes = []
        for case in bundle.hidden_cases:
            indexes.append(len(cases))
            cases.append(_cases.materialise(case, rng))
        variant_sets.append(indexes)
    reference = run_program(bundle, bundle.solution, cases, pool=pool)
    problem = _program_failure(reference)
    pairs = zip(reference.traces, reference.errors, strict=True)
    if problem is None and any(t is None or e for t, e in pairs):
        failed = [
            cases[i]["name"]
            for i, e in enumerate(reference.errors)
            if e or reference.traces[i] is None
        ]
        detail = next((e for e in reference.errors if e), "no trace")
        problem = f"the reference failed on {failed[0]!r}: {detail}"
    if problem is not None:
        raise GraderError(f"{bundle.slug}: {problem}")
    shapes = _shapes(reference.traces)
    mistakes = {
        m.id: run_program(bundle, m.source, cases, pool=pool, shapes=shapes)
        for m in bundle.mistakes
    }
    conventions = {
        convention.id: _convention_traces(bundle, convention, cases, pool)
        for convention in bundle.conventions
    }
    prepared = Prepared(
        bundle, cases, visible, variant_sets, reference.traces, mistakes, conventions
    )
    if bundle.runtime == "numpy":
        # Cheap here (a few ms a program) and it keeps every failing grading fast; torch
        # pairs cost seconds, so they wait until a failure first needs them.
        _pair_candidates(prepared, pool)
    return prepared


def _convention_traces(bundle: Bundle, convention, cases: list[dict], pool) -> list:
    """The reference run as a program in `convention` would run, aligned with its steps."""
    transformed, positions = [], []
    for position, case in enumerate(cases):
        try:
            transformed.append(_conventions.transformed_case(case, convention))
        except ValueError:  # no value for this case (a division by zero): not compared
            continue
        positions.append(position)
    aligned: list = [None] * len(cases)
    if not transformed:
        return aligned
    run = run_program(bundle, bundle.solution, transformed, pool=pool)
    if _program_failure(run) is not None:
        return aligned
    for slot, position in enumerate(positions):
        if run.errors[slot] or run.traces[slot] is None:
            continue
        steps = int(cases[position]["steps"])
        aligned[position] = _conventions.aligned(run.traces[slot], steps, convention.shift)
    return aligned


def _candidates(prepared: Prepared) -> list[_attribute.Candidate]:
    """Every known single explanation: the bundle's mistakes and its conventions."""
    found = [
        _attribute.Candidate(f"mistake:{key}", (key,), "mistake", run.traces, run.errors)
        for key, run in prepared.mistakes.items()
        if _program_failure(run) is None
    ]
    for convention in prepared.bundle.conventions:
        traces = prepared.conventions.get(convention.id) or []
        found.append(
            _attribute.Candidate(
                f"convention:{convention.id}",
                (convention.id,),
                "convention",
                traces,
                [None] * len(traces),
                compare=convention.compare,
            )
        )
    return found


def _pair_candidates(prepared: Prepared, pool: SandboxPool | None) -> list:
    """Two mistakes in one program, merged from their files and run on every case once."""
    bundle = prepared.bundle
    with prepared.pairs_lock:
        if prepared.pairs is None:
            shapes = _shapes(prepared.reference)
            programs = {m.id: m.source for m in bundle.mistakes}
            found = []
            for (first, second), source in _compose.pairs(bundle.solution, programs).items():
                run = run_program(bundle, source, prepared.cases, pool=pool, shapes=shapes)
                if _program_failure(run) is None:
                    found.append(
                        _attribute.Candidate(
                            f"pair:{first}+{second}",
                            (first, second),
                            "mistake",
                            run.traces,
                            run.errors,
                        )
                    )
            prepared.pairs = found
        return prepared.pairs


def prepared_for(bundle: Bundle, *, pool: SandboxPool | None = None) -> Prepared:
    """The cached `Prepared` for this bundle version (computed on first use)."""
    with _prepared_lock:
        cached = _prepared.get(bundle.content_hash)
        if cached is not None:
            _prepared.move_to_end(bundle.content_hash)
            return cached
    fresh = prepare(bundle, pool=pool)
    with _prepared_lock:
        _prepared[bundle.content_hash] = fresh
        while len(_prepared) > 64:
            _prepared.popitem(last=False)
    return fresh


# -- verdicts ------------------------------------------------------------------------
def check_source(code: str | bytes) -> str | tuple[str, None]:
    """Return the source as text, or a (message, None) rejection before anything runs."""
    if isinstance(code, bytes):
        if len(code) > MAX_SOURCE_BYTES:
            return (_too_large(len(code)), None)
        try:
            code = code.decode("utf-8")
        except UnicodeDecodeError as exc:
            return (f"The file is not UTF-8 text (bad byte at offset {exc.start}).", None)
    size = len(code.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        return (_too_large(size), None)
    if "\x00" in code:
        line = code[: code.index("\x00")].count("\n") + 1
        return (f"The source contains a NUL byte (line {line}); remove it.", None)
    try:
        code.encode("utf-8")
    except UnicodeEncodeError:
        return ("The source contains characters that are not valid Unicode text.", None)
    return code


def _too_large(size: int) -> str:
    return (
        f"The source is {size:,} bytes; the limit is {MAX_SOURCE_BYTES:,} bytes. "
        "Submit only your functions."
    )


def _program_failure(run: ProgramRun) -> str | None:
    """A message when the program as a whole failed (not one case), else None."""
    outcome = run.outcome
    if outcome.timed_out:
        return "timeout"
    if outcome.oom_killed:
        # Before the signal and the lost sandbox: the kernel's OOM killer sends
        # SIGKILL, to the job or (when a job's children hold the memory) to the zygote.
        return (
            "The program used more memory than its limit (all its processes together) "
            "and was stopped."
        )
    if outcome.tampered:
        return (
            f"The program tampered with its sandbox ({outcome.tampered}); "
            "a sandbox is never reused after that."
        )
    if outcome.flooded:
        return "The program printed more than 1 MiB of output and was stopped."
    if outcome.result_overflow:
        return "The program wrote more than the result channel allows and was stopped."
    if run.malformed:
        return (
            f"The result channel carried something the harness never sends ({run.malformed}). "
            "Only the harness may write to file descriptor 3, and a program must not leave "
            "forked copies of itself running the cases."
        )
    if outcome.sandbox_lost:
        return "The sandbox stopped unexpectedly (did the program kill its own supervisor?)."
    if run.fatal:
        return _fatal_message(run.fatal)
    if outcome.signal:
        return _signal_message(outcome.signal)
    if not run.done:
        return (
            "The program exited before every case was run "
            "(os._exit, sys.exit at import time, or a crash)."
        )
    return None


def _fatal_message(fatal: dict) -> str:
    kind = fatal.get("kind")
    message = str(fatal.get("message") or "")[:2000]
    if kind == "syntax":
        where = f" on line {fatal['line']}" if isinstance(fatal.get("line"), int) else ""
        return f"Your code does not parse{where}: {message}"
    if kind == "missing":
        return f"{message}. Keep the name and signature from the starter."
    if kind == "load":
        return f"Your module raised an error while loading: {message}"
    return f"The harness could not run your code: {message}"


def _signal_message(number: int) -> str:
    try:
        name = signals.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if number in (signals.SIGXCPU, signals.SIGKILL):
        return f"The program was stopped by {name}: it used up its CPU time or memory."
    if number == signals.SIGSEGV:
        return "The program crashed (SIGSEGV), often a stack overflow from deep recursion."
    return f"The program was killed by {name}."


def _resources(outcome: Outcome) -> dict:
    return {
        "wall_ms": outcome.wall_ms,
        "cpu_ms": outcome.cpu_ms,
        "max_rss_kb": outcome.max_rss_kb,
        "stdout_trimmed": outcome.stdout_trimmed,
        "stderr_trimmed": outcome.stderr_trimmed,
        # Which walls held the memory and process limits: the sandbox's own
        # cgroup ("cgroup v1"/"cgroup v2"), or per-process rlimits alone.
        "limits": f"cgroup {outcome.cgroup}" if outcome.cgroup else "rlimits only",
        "oom_killed": outcome.oom_killed,
    }


def _failure_verdict(message: str, run: ProgramRun) -> str:
    if message == "timeout" or run.outcome.signal == signals.SIGXCPU:
        return "timeout"
    if run.outcome.result_overflow or run.malformed or run.outcome.tampered:
        return "rejected"
    return "error"


def grade(
    bundle: Bundle,
    code: str | bytes,
    *,
    visible_only: bool = False,
    pool: SandboxPool | None = None,
    rng: random.Random | None = None,
) -> Result:
    """Grade `code` against `bundle`. Student faults are results; only infrastructure raises."""
    quantities = list(bundle.grading["trace"])
    source = check_source(code)
    if isinstance(source, tuple):
        return Result("rejected", 0.0, source[0], quantities=quantities)
    prepared = prepared_for(bundle, pool=pool)
    indexes = list(prepared.visible)
    if prepared.variants and not visible_only:
        indexes += (rng or random.SystemRandom()).choice(prepared.variants)
    cases = [prepared.cases[i] for i in indexes]
    shapes = [_shapes([prepared.reference[i]])[0] for i in indexes]
    run = run_program(bundle, source, cases, pool=pool, shapes=shapes)
    result = Result(
        "failed",
        0.0,
        "",
        stdout=run.outcome.stdout,
        stderr=run.outcome.stderr,
        resources=_resources(run.outcome),
        quantities=quantities,
    )
    failure = _program_failure(run)
    if failure is not None:
        result.verdict = _failure_verdict(failure, run)
        if failure == "timeout":
            failure = (
                f"The program ran past its {bundle.limits.wall_seconds:g} s time limit "
                "and was stopped: look for an endless loop."
            )
        elif run.outcome.oom_killed:
            failure += f" The memory limit is {bundle.limits.memory_mb} MB."
        result.message = failure
        return result
    rtol, atol = bundle.tolerance(device_for(bundle, pool or default_pool()))
    for position, index in enumerate(indexes):
        case = prepared.cases[index]
        expected = prepared.reference[index]
        got = run.traces[position] or []
        divergence, agreed = first_divergence(expected, got, quantities, rtol=rtol, atol=atol)
        error = run.errors[position]
        if error and "MemoryError" in error:
            error += f" (the memory limit is {bundle.limits.memory_mb} MB)"
        result.cases.append(
            CaseResult(
                name=case["name"],
                hidden=case["hidden"],
                passed=divergence is None and not error,
                steps_compared=agreed,
                steps_total=len(expected),
                divergence=divergence,
                error=error,
                trace=got,
                reference=expected,
                case=case,
                notes=run.notes[position],
            )
        )
    passed = sum(c.passed for c in result.cases)
    result.score = passed / len(result.cases)
    if passed == len(result.cases):
        result.verdict = "passed"
        result.message = f"All {passed} cases match the reference."
        return result
    attribution = _attribute.attribute(
        cases=prepared.cases,
        indexes=indexes,
        traces=run.traces,
        errors=run.errors,
        reference=prepared.reference,
        candidates=_candidates(prepared),
        quantities=quantities,
        rtol=rtol,
        atol=atol,
        pairs=lambda: _pair_candidates(prepared, pool),
        memo=prepared.arrays,
    )
    for case, error in zip(result.cases, attribution.relative_errors, strict=True):
        case.relative_error = error
    result.diagnoses = _diagnose.describe(attribution.diagnoses, bundle)
    result.unexplained = [
        {**item, "relative_error": None} if item["hidden"] else item
        for item in attribution.unexplained
    ]
    result.signature = attribution.signature
    left = {item["case"] for item in attribution.unexplained}
    if not result.diagnoses or left:
        unexplained = [c for c in result.cases if not c.passed and (c.name in left or c.error)]
        result.hints = _diagnose.heuristics(unexplained or result.cases, bundle)
    else:
        result.hints = _diagnose.interface_hints(result.cases, bundle)
    lead = _most_informative(result.cases)
    result.message = f"{passed} of {len(result.cases)} cases match. " + _case_summary(lead)
    return result


def _most_informative(cases: list[CaseResult]) -> CaseResult:
    """The failing case to show first: a visible one that raised, else the one that left most.

    A 1e-7 wobble in one case says less than a large error in another, whatever
    their order in the file.
    """
    failing = [c for c in cases if not c.passed]
    visible = [c for c in failing if not c.hidden] or failing

    def weight(case: CaseResult):
        size = case.relative_error if case.relative_error is not None else math.inf
        return (bool(case.error), size)

    return max(visible, key=weight)


def _case_summary(case: CaseResult) -> str:
    if case.error and case.hidden:
        return f"Hidden case {case.name!r} raised an exception."
    if case.error:
        return f"Case {case.name!r} raised: {case.error}"
    raised = _diagnose.raised_message(case)
    if raised:
        return raised
    d = case.divergence
    if d is None:
        return ""
    if d.reason != "value":
        return f"Case {case.name!r} stopped early at step {d.step}."
    if case.hidden:
        return f"Hidden case {case.name!r} diverges at step {d.step}."
    got = d.got if d.got is not None and math.isfinite(d.got) else d.got
    return (
        f"Case {case.name!r} first diverges at step {d.step}: {d.quantity}[{d.index}] "
        f"is {got!r}, expected {d.expected!r}."
    )
