"""Failing submissions that no known mistake explains, grouped by the shape of their
divergence, and turning one group into a new named mistake of a draft.

A graded result names the known mistakes it matches (`diagnoses`) and lists the failing
cases none of them explains (`unexplained`), with a `signature` summarising their shape
(which cases, quantities, step buckets, error magnitude): equal signatures are one group.
Results stored before those keys existed count as unexplained when they failed and name
no mistake; their signature is computed here from their cases (the failing case names,
the bucket of the first divergence step and its quantity), so old rows group too.

The groups cover the graded submissions (not runs of the visible cases) to the
exercise's current version that the instructor may see (`visibility`). An instructor
names a group from its example: the example's code becomes `mistakes/<id>.py` of their
draft of the exercise, which they then validate and publish as any other draft.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import math
import statistics
import tokenize
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT, KeyTransform

from exercises.models import Exercise, ExerciseDraft, ExerciseVersion, Submission
from exercises.services import authoring
from exercises.services.authoring import AuthoringError
from exercises.services.visibility import submissions_visible_to

GROUPS_SHOWN = 50
MISTAKE_ID_MAX = 80
TITLE_MAX = 200
HINT_MAX = 1000
_HINT_LINE = 84  # characters of hint per line of the HINT literal


# -- the shape of one result -----------------------------------------------------------
@dataclass(frozen=True)
class Divergence:
    """One failing case no known mistake explains."""

    case: str
    hidden: bool
    step: int | None
    quantity: str | None
    relative_error: float | None


def _number(value: Any) -> float | None:
    """A finite float, or None (stored results write non-finite floats as strings)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _step(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def divergences_from_result(unexplained: Any) -> list[Divergence]:
    """The `unexplained` list of a result as the grader writes it (bad entries skipped)."""
    found = []
    for item in unexplained if isinstance(unexplained, list) else []:
        if not isinstance(item, dict):
            continue
        quantity = item.get("quantity")
        found.append(
            Divergence(
                case=str(item.get("case") or "?"),
                hidden=bool(item.get("hidden")),
                step=_step(item.get("step")),
                quantity=str(quantity) if quantity is not None else None,
                relative_error=_number(item.get("relative_error")),
            )
        )
    return found


def divergences_from_cases(cases: Any) -> list[Divergence]:
    """The failing cases of a result stored before `unexplained` existed."""
    found = []
    for case in cases if isinstance(cases, list) else []:
        if not isinstance(case, dict) or case.get("passed"):
            continue
        divergence = case.get("divergence")
        divergence = divergence if isinstance(divergence, dict) else {}
        quantity = divergence.get("quantity")
        if quantity is None and case.get("error"):
            quantity = "exception"
        expected, error = _number(divergence.get("expected")), _number(divergence.get("error"))
        relative = error / abs(expected) if error is not None and expected else None
        found.append(
            Divergence(
                case=str(case.get("name") or "?"),
                hidden=bool(case.get("hidden")),
                step=_step(divergence.get("step")),
                quantity=str(quantity) if quantity is not None else None,
                relative_error=relative,
            )
        )
    return found


def step_bucket(step: int | None) -> str:
    """Steps 1 and 2 alone, then doubling ranges (3-4, 5-8, 9-16, ...): a program off by a
    little in its state drifts at a step that varies with the case's numbers."""
    if step is None:
        return "-"
    if step <= 2:
        return str(step)
    top = 1 << (step - 1).bit_length()
    return f"{top // 2 + 1}-{top}"


def fallback_signature(divergences: list[Divergence]) -> str:
    """The group of a result stored before the grader wrote signatures."""
    shape = sorted((d.case, d.hidden, step_bucket(d.step), d.quantity or "") for d in divergences)
    text = json.dumps(shape, separators=(",", ":"))
    return "legacy-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def result_shape(result: Any) -> tuple[str, list[Divergence]] | None:
    """(signature, divergences) when the result failed in a way no known mistake
    explains; None otherwise (passed, error, or every failing case explained)."""
    if not isinstance(result, dict) or result.get("verdict") != Submission.Verdict.FAILED:
        return None
    if "unexplained" in result:
        return _current_shape(result.get("signature"), result.get("unexplained"))
    return _old_shape(result.get("diagnoses"), result.get("cases"))


def _current_shape(signature: Any, unexplained: Any) -> tuple[str, list[Divergence]] | None:
    # Nothing left unexplained: the grader writes no signature then.
    if not isinstance(unexplained, list) or not unexplained:
        return None
    divergences = divergences_from_result(unexplained)
    # SQLite reads a JSON null out as the text "null" (PostgreSQL as NULL).
    if isinstance(signature, str) and signature and signature != "null":
        return signature[:128], divergences
    return fallback_signature(divergences), divergences


def _old_shape(diagnoses: Any, cases: Any) -> tuple[str, list[Divergence]] | None:
    if isinstance(diagnoses, list) and diagnoses:
        return None
    divergences = divergences_from_cases(cases)
    return fallback_signature(divergences), divergences


# -- groups ----------------------------------------------------------------------------
@dataclass
class CaseShape:
    """How one case fails across a group."""

    name: str
    hidden: bool
    quantities: list[str] = field(default_factory=list)
    first_step: int | None = None
    last_step: int | None = None

    @property
    def steps(self) -> str:
        if self.first_step is None:
            return "–"
        if self.first_step == self.last_step:
            return str(self.first_step)
        return f"{self.first_step}–{self.last_step}"


@dataclass
class UnexplainedGroup:
    signature: str
    submissions: int = 0
    students: int = 0
    cases: list[CaseShape] = field(default_factory=list)
    relative_error: float | None = None  # the median over the group's failing cases
    example_id: int = 0
    example_code: str = ""
    example_username: str = ""
    example_at: datetime | None = None
    latest_at: datetime | None = None


@dataclass
class UnexplainedReport:
    version: ExerciseVersion | None
    failing: int = 0  # graded failing submissions of the version the viewer may see
    unexplained: int = 0
    groups: list[UnexplainedGroup] = field(default_factory=list)  # the largest first
    groups_total: int = 0

    @property
    def groups_hidden(self) -> int:
        return self.groups_total - len(self.groups)


def failing_submissions(*, instructor: AbstractBaseUser, exercise: Exercise) -> QuerySet:
    """The graded, failed submissions to the exercise's current version that `instructor`
    may see."""
    version_id = exercise.current_version_id
    if version_id is None:
        return Submission.objects.none()
    return submissions_visible_to(instructor=instructor).filter(
        exercise_version_id=version_id,
        mode=Submission.Mode.SUBMIT,
        status=Submission.Status.DONE,
        verdict=Submission.Verdict.FAILED,
    )


def unexplained_report(
    *, instructor: AbstractBaseUser, exercise: Exercise, limit: int = GROUPS_SHOWN
) -> UnexplainedReport:
    """The visible failing submissions of the exercise's current version that no known
    mistake explains, grouped by signature, the largest groups first, each with the code
    of its latest submission as the example. At most three queries, however many rows."""
    report = UnexplainedReport(version=exercise.current_version)
    base = failing_submissions(instructor=instructor, exercise=exercise)
    # Only the small keys of every row; the cases (with their plots) only of the old rows
    # that can be unexplained.
    rows = list(
        base.annotate(
            # As text: a digest of digits only must not come back as a number.
            r_signature=KT("result__signature"),
            r_unexplained=KeyTransform("unexplained", "result"),
        ).values("id", "user_id", "created_at", "r_signature", "r_unexplained")
    )
    report.failing = len(rows)
    shapes: list[tuple[dict[str, Any], str, list[Divergence]]] = []
    for row in rows:
        shape = _current_shape(row["r_signature"], row["r_unexplained"])
        if shape is not None:
            shapes.append((row, *shape))
    old = (
        base.filter(~Q(result__has_key="unexplained"), named_mistake="")
        .annotate(
            r_diagnoses=KeyTransform("diagnoses", "result"),
            r_cases=KeyTransform("cases", "result"),
        )
        .values("id", "user_id", "created_at", "r_diagnoses", "r_cases")
    )
    for row in old:
        shape = _old_shape(row["r_diagnoses"], row["r_cases"])
        if shape is not None:
            shapes.append((row, *shape))
    report.unexplained = len(shapes)

    groups: dict[str, UnexplainedGroup] = {}
    users: dict[str, set[int]] = {}
    errors: dict[str, list[float]] = {}
    latest: dict[str, tuple[datetime, int, list[Divergence]]] = {}
    for row, signature, divergences in shapes:
        group = groups.setdefault(signature, UnexplainedGroup(signature=signature))
        group.submissions += 1
        users.setdefault(signature, set()).add(row["user_id"])
        errors.setdefault(signature, []).extend(
            d.relative_error for d in divergences if d.relative_error is not None
        )
        key = (row["created_at"], row["id"])
        if signature not in latest or key > latest[signature][:2]:
            latest[signature] = (*key, divergences)
        _add_cases(group.cases, divergences)
    for signature, group in groups.items():
        group.students = len(users[signature])
        group.relative_error = statistics.median(errors[signature]) if errors[signature] else None
        group.latest_at, group.example_id, example_divergences = latest[signature]
        # The example's own cases first, in its order; then those only others had.
        order = {d.case: position for position, d in enumerate(example_divergences)}
        group.cases.sort(key=lambda c: order.get(c.name, len(order)))

    ordered = sorted(
        groups.values(), key=lambda g: (-g.submissions, -g.students, -g.latest_at.timestamp())
    )
    report.groups_total = len(ordered)
    report.groups = ordered[:limit]
    if report.groups:
        examples = {
            e["id"]: e
            for e in Submission.objects.filter(pk__in=[g.example_id for g in report.groups]).values(
                "id", "code", "user__username", "created_at"
            )
        }
        for group in report.groups:
            example = examples.get(group.example_id, {})
            group.example_code = example.get("code", "")
            group.example_username = example.get("user__username", "")
            group.example_at = example.get("created_at")
    return report


def case_shapes(divergences: list[Divergence]) -> list[CaseShape]:
    """How each case fails, as the page shows a group's cases."""
    shapes: list[CaseShape] = []
    _add_cases(shapes, divergences)
    return shapes


def _add_cases(shapes: list[CaseShape], divergences: list[Divergence]) -> None:
    by_name = {c.name: c for c in shapes}
    for d in divergences:
        shape = by_name.get(d.case)
        if shape is None:
            shape = by_name[d.case] = CaseShape(name=d.case, hidden=d.hidden)
            shapes.append(shape)
        if d.quantity and d.quantity not in shape.quantities:
            shape.quantities.append(d.quantity)
        if d.step is not None:
            shape.first_step = d.step if shape.first_step is None else min(shape.first_step, d.step)
            shape.last_step = d.step if shape.last_step is None else max(shape.last_step, d.step)


def unexplained_example(
    *, instructor: AbstractBaseUser, exercise: Exercise, submission_id: int
) -> tuple[Submission, str, list[Divergence]] | None:
    """A submission the unexplained page could show as an example, with its signature and
    divergences: one `instructor` may see, to the current version, failing in a way no
    known mistake explains. None otherwise (shown as 404)."""
    submission = (
        failing_submissions(instructor=instructor, exercise=exercise)
        .select_related("user")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        return None
    shape = result_shape(submission.result)
    if shape is None:
        return None
    return submission, *shape


# -- naming a group --------------------------------------------------------------------
def mistake_ids(files: dict[str, str]) -> set[str]:
    return {
        name.removeprefix("mistakes/").removesuffix(".py")
        for name in files
        if name.startswith("mistakes/") and name.endswith(".py")
    }


def one_line(text: str) -> str:
    return " ".join(text.split())


def check_mistake_id(mistake_id: str) -> str:
    """A mistake id: lower-case letters and digits joined by single dashes or underscores."""
    if not authoring.SLUG_RE.match(mistake_id) or len(mistake_id) > MISTAKE_ID_MAX:
        raise AuthoringError(
            "A mistake id is lower-case letters and digits joined by dashes, "
            f"at most {MISTAKE_ID_MAX} characters (like update-before-average)."
        )
    return mistake_id


def _string_literal(text: str) -> str:
    # JSON's escapes (\" \\ \n \uXXXX) are all Python's too, and it writes double quotes.
    return json.dumps(text, ensure_ascii=False)


def _hint_literal(hint: str) -> str:
    literal = _string_literal(hint)
    if len(literal) <= _HINT_LINE + 8:
        return f"HINT = {literal}\n"
    chunks: list[str] = []
    line = ""
    for word in hint.split(" "):
        if line and len(line) + 1 + len(word) > _HINT_LINE:
            chunks.append(line + " ")
            line = word
        else:
            line = f"{line} {word}" if line else word
    chunks.append(line)
    body = "".join(f"    {_string_literal(chunk)}\n" for chunk in chunks)
    return f"HINT = (\n{body})\n"


def _docstring(title: str) -> str:
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    return f'"""{escaped}"""\n'


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_hint_text(node: ast.stmt) -> bool:
    """`HINT = "..."` at the top level: what makes a file read as a mistake."""
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "HINT"
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _own_lines(node: ast.stmt, body: list[ast.stmt]) -> set[int] | None:
    """The lines of a top-level statement, or None when another statement shares them."""
    lines = set(range(node.lineno, node.end_lineno + 1))
    for other in body:
        if (
            other is not node
            and other.lineno <= node.end_lineno
            and other.end_lineno >= node.lineno
        ):
            return None
    return lines


def _free_name(code: str, name: str) -> str:
    candidate = f"{name}_"
    while candidate in code:
        candidate += "_"
    return candidate


def _rename(lines: list[str], code: str, name: str) -> list[str]:
    """Every use of `name` as a name (not another object's attribute) renamed."""
    new = _free_name(code, name)
    places: list[tuple[int, int]] = []
    previous = None
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.NAME and token.string == name:
            if not (previous and previous.type == tokenize.OP and previous.string == "."):
                places.append(token.start)
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token
    lines = list(lines)
    for row, col in reversed(places):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[col + len(name) :]
    return lines


def mistake_source(*, code: str, title: str, hint: str) -> str:
    """A mistake file from a student's program: the title as its docstring, the HINT as a
    string literal after its leading imports, then the program.

    The program's own module docstring and `HINT = "..."` lines are dropped, so the file
    is read as this mistake; a program that uses the name HINT otherwise has it renamed,
    so it still runs as it did. Raises AuthoringError when the program does not parse or
    the file would not read back with this title and hint.
    """
    title, hint = one_line(title), one_line(hint)
    code = code.replace("\r\n", "\n").replace("\r", "\n")
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise AuthoringError(
            f"The example does not parse (line {exc.lineno}): it cannot be a mistake file."
        ) from None
    lines = code.split("\n")
    body = list(tree.body)
    dropped: set[int] = set()
    if body and _is_docstring(body[0]):
        dropped |= _own_lines(body[0], body) or set()
        body = body[1:]
    hint_names = [
        node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "HINT"
    ]
    hint_texts = [node for node in body if _is_hint_text(node)]
    hint_lines = [_own_lines(node, body) for node in hint_texts]
    if hint_names and (
        len(hint_names) != len(hint_texts) or any(found is None for found in hint_lines)
    ):
        try:
            lines = _rename(lines, code, "HINT")
        except (tokenize.TokenError, SyntaxError) as exc:  # pragma: no cover - it parsed
            raise AuthoringError(f"The example cannot be read: {exc}") from None
    else:
        for found in hint_lines:
            dropped |= found or set()
    head_end = 0
    for node in body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        head_end = node.end_lineno
    kept = [(number, line) for number, line in enumerate(lines, 1) if number not in dropped]
    head = "\n".join(line for number, line in kept if number <= head_end).strip("\n")
    program = "\n".join(line for number, line in kept if number > head_end).strip("\n")
    source = _docstring(title)
    if head.strip():
        source += f"\n{head}\n"
    source += "\n" + _hint_literal(hint)
    if program.strip():
        source += f"\n\n{program}\n"
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise AuthoringError(
            f"The mistake file would not parse (line {exc.lineno}); name another example."
        ) from None
    if authoring.mistake_title_and_hint(source) != (title, hint):
        raise AuthoringError("The title and hint would not read back from the mistake file.")
    return source


def mistake_create_from_submission(
    *,
    user: AbstractBaseUser,
    exercise: Exercise,
    submission: Submission,
    mistake_id: str,
    title: str,
    hint: str,
) -> ExerciseDraft:
    """Add `mistakes/<mistake_id>.py`, made from the submission's program, to `user`'s
    open draft of the exercise (a new draft of its current version when they have none).

    Refuses (AuthoringError, and no draft is left behind) an id the published version or
    the draft already names, a title or hint that is empty, and a file the engine would
    not load as part of the bundle. Validation and publishing are the draft's own.
    """
    mistake_id = check_mistake_id(mistake_id)
    title, hint = one_line(title), one_line(hint)
    if not title or len(title) > TITLE_MAX:
        raise AuthoringError(f"Give the mistake a title, at most {TITLE_MAX} characters.")
    if not hint or len(hint) > HINT_MAX:
        raise AuthoringError(f"Give the mistake a hint, at most {HINT_MAX} characters.")
    version = exercise.current_version
    if version is not None and mistake_id in mistake_ids(version.files):
        raise AuthoringError(f"Version {version.number} already has a mistake {mistake_id}.")
    source = mistake_source(code=submission.code, title=title, hint=hint)
    import grader

    with transaction.atomic():
        found = authoring.draft_for_exercise(exercise=exercise, author=user)
        # Locked: two mistakes named at once from two pages both land in the draft.
        draft = ExerciseDraft.objects.select_for_update().get(pk=found.pk)
        if mistake_id in mistake_ids(draft.files):
            raise AuthoringError(f"Your draft {draft.slug} already has a mistake {mistake_id}.")
        files = {**draft.files, f"mistakes/{mistake_id}.py": source}
        try:
            grader.Bundle.from_files(dict(files))
        except grader.BundleError as exc:
            raise AuthoringError(
                f"The draft {draft.slug} would not load with this mistake: {exc}"
            ) from exc
        return authoring.draft_update(draft=draft, files=files)
