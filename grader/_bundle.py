"""Exercise bundles: load, check and identify them.

A bundle is a directory (or the same files held in a database row):

    exercise.toml   metadata, grading spec, tolerances, limits, cases
    prompt.md       the statement
    starter.py      what the student starts from (must fail)
    solution.py     the reference (must pass)
    mistakes/*.py   realistic wrong versions; each sets HINT = "..." at top level
    conventions/*.py  optional examples of the same rule written in another convention
                    (declared in [[conventions]]); each sets NOTE = "..." at top level
    agreement/*.py  optional independent implementations that must pass too

Mistake hints are read with `ast`, never by running the file: bundle code is
only ever executed inside the sandbox.
"""

from __future__ import annotations

import ast
import hashlib
import math
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from ._sandbox import Limits
from .harness.drivers import DRIVERS

RUNTIMES = ("numpy", "torch")
DEVICES = ("cpu", "gpu", "any")
REQUIRED_FILES = ("exercise.toml", "prompt.md", "starter.py", "solution.py")

# -- what an author may ask for --------------------------------------------------------
# Every maximum a bundle is held to, in one place: the bank sync and authoring in the
# browser load bundles through here, so both refuse the same things. A grading run
# holds a sandbox and a worker slot for its wall time, and a student waits for it; the
# bank's bundles use at most 20 s of CPU, 30 s of wall time and 1 GiB, and the defaults
# (Limits) are 5 s, 10 s and 512 MB. The maximums leave room above those, and no more.
LIMIT_MAXIMUMS: dict[str, int] = {
    "cpu_seconds": 30,
    "wall_seconds": 60,
    "memory_mb": 2048,
    "processes": 64,
    "open_files": 256,
    "file_bytes": 64 << 20,
    "tmp_bytes": 256 << 20,
    "output_bytes": 1 << 20,
    "output_kill_bytes": 16 << 20,
    "result_bytes": 32 << 20,
}
MAX_ID_CHARS = 100  # an exercise's or a lesson's id
MAX_TITLE_CHARS = 200
MAX_POINTS = 1000
MAX_BUNDLE_FILES = 64
MAX_BUNDLE_FILE_BYTES = 256 << 10
MAX_BUNDLE_BYTES = 2 << 20
MAX_CASES = 32  # every case runs for every submission
MAX_STEPS = 10_000  # per case
MAX_FIGURES = 32
# Sizes of what a case makes, not what it lists (a listed value is bounded by the file
# size): the starting point and curvatures of a surface, a quadratic's dimension (it is
# built outside the sandbox too, for the plots: a dim x dim matrix), random arrays, a
# torch model and its data.
MAX_VECTOR_LENGTH = 10_000
MAX_SURFACE_DIM = 256
MAX_ARRAY_ELEMENTS = 1_000_000  # all random arrays of one argument together
MAX_ARRAY_DIMENSIONS = 8
MAX_MODEL_LAYERS = 16
MAX_MODEL_WIDTH = 1024
MAX_MODEL_PARAMETERS = 1_000_000
MAX_DATA_POINTS = 100_000  # data.n and batch_size


class BundleError(ValueError):
    """A bundle that cannot be used, with the file (and key) at fault."""

    def __init__(self, message: str, *, path: str = "", slug: str = "") -> None:
        self.path = path
        self.slug = slug
        where = "/".join(p for p in (slug, path) if p)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class Mistake:
    id: str
    title: str
    hint: str
    source: str


@dataclass(frozen=True)
class Convention:
    """The reference's rule in another convention: same maths, other parameters or steps.

    A program in this convention reproduces the reference run on `inputs` (expressions
    over the case's own inputs), compared on `compare`, with its step s matching the
    reference's step s + `shift`. `source` is an example program that must be named so.
    """

    id: str
    title: str
    explanation: str
    compare: tuple[str, ...]
    inputs: dict
    shift: int
    source: str

    @property
    def path(self) -> str:
        return f"conventions/{self.id}.py"


@dataclass(frozen=True)
class Program:
    """A program shipped with a bundle (an agreement implementation): `agreement/<id>.py`."""

    id: str
    source: str

    @property
    def path(self) -> str:
        return f"agreement/{self.id}.py"


@dataclass(frozen=True)
class Bundle:
    slug: str
    title: str
    lesson: str | None
    points: int
    runtime: str
    device: str
    concepts: tuple[str, ...]
    grading: dict
    rtol: float
    atol: float
    limits: Limits
    cases: tuple[dict, ...]
    prompt: str
    starter: str
    solution: str
    mistakes: tuple[Mistake, ...]
    files: dict = field(repr=False, compare=False)
    content_hash: str = ""
    # (rtol, atol) when graded on CUDA; None: the same as on the CPU.
    cuda_tolerance: tuple[float, float] | None = None

    def tolerance(self, device: str = "cpu") -> tuple[float, float]:
        if device == "cuda" and self.cuda_tolerance is not None:
            return self.cuda_tolerance
        return self.rtol, self.atol

    figures: tuple[dict, ...] = ()
    agreements: tuple[Program, ...] = ()
    conventions: tuple[Convention, ...] = ()

    @property
    def visible_cases(self) -> list[dict]:
        return [c for c in self.cases if not c.get("hidden")]

    @property
    def hidden_cases(self) -> list[dict]:
        return [c for c in self.cases if c.get("hidden")]

    @classmethod
    def from_files(cls, files: dict[str, str]) -> Bundle:
        return _parse(dict(files))


def load_bundle(path: str | Path) -> Bundle:
    """Read a bundle directory into a checked `Bundle`."""
    root = Path(path)
    if not (root / "exercise.toml").is_file():
        raise BundleError("no exercise.toml here", path=str(root))
    files: dict[str, str] = {}
    for file in sorted(root.rglob("*")):
        rel = file.relative_to(root).as_posix()
        if not file.is_file() or "__pycache__" in rel or file.name.startswith("."):
            continue
        if len(files) >= MAX_BUNDLE_FILES:
            raise BundleError(
                f"a bundle holds at most {MAX_BUNDLE_FILES} files", path=rel, slug=root.name
            )
        if file.stat().st_size > MAX_BUNDLE_FILE_BYTES:
            raise BundleError("file is too large for a bundle", path=rel, slug=root.name)
        try:
            files[rel] = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise BundleError("not UTF-8 text", path=rel, slug=root.name) from None
    return _parse(files)


def content_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


def _require(table: dict, key: str, kind, *, path: str, slug: str, default=None):
    if key not in table:
        if default is not None:
            return default
        raise BundleError(f"missing key {key!r}", path=path, slug=slug)
    value = table[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise BundleError(
            f"{key!r} must be {getattr(kind, '__name__', kind)}", path=path, slug=slug
        )
    return value


def mistake_header(source: str, name: str = "HINT") -> tuple[str, str]:
    """A mistake file's title (its docstring's first line) and HINT, read with ast.

    Never runs the file. Either is "" when missing or not a string literal. A
    convention's example program keeps its text under `name="NOTE"`.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "", ""
    hint = ""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = None
            hint = " ".join(value.split()) if isinstance(value, str) else ""
    doc = (ast.get_docstring(tree) or "").strip()
    return (doc.splitlines()[0] if doc else ""), hint


def _read_hint(source: str, *, path: str, slug: str) -> tuple[str, str]:
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise BundleError(f"syntax error on line {exc.lineno}", path=path, slug=slug) from None
    title, hint = mistake_header(source)
    if not hint:
        raise BundleError(
            'a mistake must set HINT = "..." to a string literal', path=path, slug=slug
        )
    return title or path, hint


def _check_sizes(files: dict[str, str]) -> None:
    """How many files, and how large: the same maximums for a directory and a database row."""
    if len(files) > MAX_BUNDLE_FILES:
        raise BundleError(
            f"a bundle holds at most {MAX_BUNDLE_FILES} files; this one has {len(files)}"
        )
    total = 0
    for name, text in files.items():
        if not isinstance(text, str):
            raise BundleError("not text", path=name)
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_BUNDLE_FILE_BYTES:
            raise BundleError(
                f"file is too large for a bundle ({size:,} bytes; at most "
                f"{MAX_BUNDLE_FILE_BYTES:,})",
                path=name,
            )
        total += size
    if total > MAX_BUNDLE_BYTES:
        raise BundleError(f"the bundle is {total:,} bytes; at most {MAX_BUNDLE_BYTES:,}")


def _limit_unit(name: str, value: float) -> str:
    if name.endswith("_seconds"):
        return f"{value:g} s"
    if name.endswith("_mb"):
        return f"{value:,} MB"
    if name.endswith("_bytes"):
        return f"{value:,} bytes ({value / (1 << 20):g} MiB)"
    return f"{value:,}"


def _check_limits(table, *, slug: str) -> Limits:
    """[limits]: known names, positive finite numbers, none over LIMIT_MAXIMUMS."""
    path = "exercise.toml"
    if not isinstance(table, dict):
        raise BundleError("[limits] must be a table", path=path, slug=slug)
    unknown = set(table) - set(Limits.__dataclass_fields__)
    if unknown:
        raise BundleError(f"unknown limits {sorted(unknown)}", path=path, slug=slug)
    for item in fields(Limits):
        if item.name not in table:
            continue
        value = table[item.name]
        whole = item.type in (int, "int")
        kinds = (int,) if whole else (int, float)
        if (
            isinstance(value, bool)
            or not isinstance(value, kinds)
            or not math.isfinite(value)
            or value <= 0
        ):
            kind = "a whole number" if whole else "a number"
            raise BundleError(
                f"[limits] {item.name} must be {kind} above 0, not {value!r}", path=path, slug=slug
            )
        maximum = LIMIT_MAXIMUMS[item.name]
        if value > maximum:
            raise BundleError(
                f"[limits] {item.name} = {value} is over the maximum of "
                f"{_limit_unit(item.name, maximum)}",
                path=path,
                slug=slug,
            )
    return Limits(**table)


def _check_case(case: dict, index: int, *, slug: str) -> dict:
    path = f"exercise.toml [[cases]] #{index + 1}"
    name = _require(case, "name", str, path=path, slug=slug)
    _require(case, "steps", int, path=path, slug=slug)
    if not 1 <= case["steps"] <= MAX_STEPS:
        raise BundleError(f"steps must be between 1 and {MAX_STEPS}", path=path, slug=slug)
    draw = case.get("draw", {})
    if draw and not case.get("hidden"):
        raise BundleError(f"case {name!r}: only hidden cases draw values", path=path, slug=slug)
    for key, bounds in draw.items():
        if key == "seed":
            continue
        if (
            not isinstance(bounds, list)
            or len(bounds) != 2
            or not all(isinstance(b, (int, float)) for b in bounds)
            or bounds[0] > bounds[1]
        ):
            raise BundleError(
                f"case {name!r}: draw.{key} must be [low, high]", path=path, slug=slug
            )
    return case


def _check_tolerance(tolerance, *, slug: str) -> None:
    if not isinstance(tolerance, dict):
        raise BundleError("[tolerance] must be a table", path="exercise.toml", slug=slug)
    cuda = tolerance.get("cuda")
    for prefix, table in (("", tolerance), ("cuda.", cuda if isinstance(cuda, dict) else {})):
        for key in ("rtol", "atol"):
            value = table.get(key, 0.0)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (math.isfinite(value) and value >= 0)
            ):
                raise BundleError(
                    f"[tolerance] {prefix}{key} must be a number, 0 or more",
                    path="exercise.toml",
                    slug=slug,
                )


def _cuda_tolerance(tolerance: dict, *, slug: str) -> tuple[float, float] | None:
    cuda = tolerance.get("cuda")
    if cuda is None:
        return None
    if not isinstance(cuda, dict) or not set(cuda) <= {"rtol", "atol"}:
        raise BundleError(
            "[tolerance] cuda must be { rtol = ..., atol = ... }", path="exercise.toml", slug=slug
        )
    return (
        float(cuda.get("rtol", tolerance.get("rtol", 1e-7))),
        float(cuda.get("atol", tolerance.get("atol", 1e-10))),
    )


def _parse(files: dict[str, str]) -> Bundle:
    for name in REQUIRED_FILES:
        if name not in files:
            raise BundleError("missing file", path=name)
    _check_sizes(files)
    try:
        meta = tomllib.loads(files["exercise.toml"])
    except tomllib.TOMLDecodeError as exc:
        raise BundleError(f"invalid TOML: {exc}", path="exercise.toml") from None
    path = "exercise.toml"
    slug = _require(meta, "id", str, path=path, slug="")
    if len(slug) > MAX_ID_CHARS:
        raise BundleError(f"id is longer than {MAX_ID_CHARS} characters", path=path)
    title = _require(meta, "title", str, path=path, slug=slug)
    if len(title) > MAX_TITLE_CHARS:
        raise BundleError(
            f"title is longer than {MAX_TITLE_CHARS} characters", path=path, slug=slug
        )
    lesson = meta.get("lesson")
    if lesson is not None and (not isinstance(lesson, str) or len(lesson) > MAX_ID_CHARS):
        raise BundleError(
            f"lesson must be a lesson's id (at most {MAX_ID_CHARS} characters)",
            path=path,
            slug=slug,
        )
    points = meta.get("points", 10)
    if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= MAX_POINTS:
        raise BundleError(
            f"points must be a whole number from 0 to {MAX_POINTS}", path=path, slug=slug
        )
    runtime = _require(meta, "runtime", str, path=path, slug=slug)
    if runtime not in RUNTIMES:
        raise BundleError(f"runtime must be one of {RUNTIMES}", path=path, slug=slug)
    device = meta.get("device", "cpu")
    if device not in DEVICES:
        raise BundleError(f"device must be one of {DEVICES}", path=path, slug=slug)
    grading = _require(meta, "grading", dict, path=path, slug=slug)
    for key in ("driver", "entrypoint"):
        _require(grading, key, str, path=f"{path} [grading]", slug=slug)
    if grading["driver"] not in DRIVERS:
        raise BundleError(f"unknown driver {grading['driver']!r}", path=path, slug=slug)
    _require(grading, "trace", list, path=f"{path} [grading]", slug=slug)
    from . import _specs  # it imports BundleError from here

    _specs.check_grading(grading, runtime, slug=slug)
    tolerance = meta.get("tolerance", {})
    _check_tolerance(tolerance, slug=slug)
    limits = _check_limits(meta.get("limits", {}), slug=slug)
    declared = meta.get("cases", [])
    if not isinstance(declared, list) or not all(isinstance(c, dict) for c in declared):
        raise BundleError("cases must be an array of tables ([[cases]])", path=path, slug=slug)
    if len(declared) > MAX_CASES:
        raise BundleError(
            f"a bundle has at most {MAX_CASES} cases; this one has {len(declared)}",
            path=path,
            slug=slug,
        )
    cases = tuple(
        _check_case(
            _specs.check_case(grading, c, f"{path} [[cases]] #{i + 1}", slug=slug), i, slug=slug
        )
        for i, c in enumerate(declared)
    )
    if not any(not c.get("hidden") for c in cases):
        raise BundleError("at least one visible case is needed", path=path, slug=slug)
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        raise BundleError("case names must be unique", path=path, slug=slug)
    mistakes = []
    for name in sorted(files):
        if name.startswith("mistakes/") and name.endswith(".py"):
            mistake_id = name.removeprefix("mistakes/").removesuffix(".py")
            title_, hint = _read_hint(files[name], path=name, slug=slug)
            mistakes.append(Mistake(mistake_id, title_, hint, files[name]))
    agreements = []
    for name in sorted(files):
        if name.startswith("agreement/") and name.endswith(".py"):
            try:
                ast.parse(files[name])
            except SyntaxError as exc:
                raise BundleError(
                    f"syntax error on line {exc.lineno}", path=name, slug=slug
                ) from None
            program_id = name.removeprefix("agreement/").removesuffix(".py")
            agreements.append(Program(program_id, files[name]))
    return Bundle(
        slug=slug,
        title=title,
        lesson=lesson,
        points=points,
        runtime=runtime,
        device=device,
        concepts=tuple(meta.get("concepts", ())),
        grading=grading,
        rtol=float(tolerance.get("rtol", 1e-7)),
        atol=float(tolerance.get("atol", 1e-10)),
        cuda_tolerance=_cuda_tolerance(tolerance, slug=slug),
        limits=limits,
        cases=cases,
        prompt=files["prompt.md"],
        starter=files["starter.py"],
        solution=files["solution.py"],
        mistakes=tuple(mistakes),
        files=files,
        content_hash=content_hash(files),
        figures=_specs.check_figures(meta.get("figures", []), grading, slug=slug),
        agreements=tuple(agreements),
        conventions=_conventions(meta.get("conventions", []), files, grading, slug=slug),
    )


def _conventions(declared, files: dict[str, str], grading: dict, *, slug: str) -> tuple:
    """[[conventions]]: each with its example program, its inputs checked as expressions."""
    from . import _conventions as expressions

    path = "exercise.toml [[conventions]]"
    if not isinstance(declared, list) or not all(isinstance(c, dict) for c in declared):
        raise BundleError("conventions must be an array of tables", path=path, slug=slug)
    known = {"id", "title", "explanation", "compare", "inputs", "shift"}
    found = []
    for table in declared:
        unknown = set(table) - known
        if unknown:
            raise BundleError(f"unknown keys {sorted(unknown)}", path=path, slug=slug)
        ident = _require(table, "id", str, path=path, slug=slug)
        if not ident or len(ident) > MAX_ID_CHARS or "/" in ident:
            raise BundleError(f"convention id {ident!r} is not a file name", path=path, slug=slug)
        title = _require(table, "title", str, path=path, slug=slug)[:MAX_TITLE_CHARS]
        explanation = " ".join(_require(table, "explanation", str, path=path, slug=slug).split())
        compare = table.get("compare", list(grading["trace"]))
        if (
            not isinstance(compare, list)
            or not compare
            or not set(compare) <= set(grading["trace"])
        ):
            raise BundleError(
                f"convention {ident!r}: compare must list traced quantities", path=path, slug=slug
            )
        inputs = table.get("inputs", {})
        if not isinstance(inputs, dict):
            raise BundleError(f"convention {ident!r}: inputs must be a table", path=path, slug=slug)
        for key, expression in inputs.items():
            try:
                expressions.parse(expression)
            except ValueError as exc:
                raise BundleError(
                    f"convention {ident!r}: inputs.{key}: {exc}", path=path, slug=slug
                ) from None
        shift = table.get("shift", 0)
        if isinstance(shift, bool) or not isinstance(shift, int) or abs(shift) > 8:
            raise BundleError(
                f"convention {ident!r}: shift must be a whole number of steps, -8 to 8",
                path=path,
                slug=slug,
            )
        if shift and grading["driver"] != "schedule":
            raise BundleError(
                f"convention {ident!r}: only schedules can shift steps", path=path, slug=slug
            )
        if not inputs and not shift:
            raise BundleError(
                f"convention {ident!r} changes neither inputs nor steps", path=path, slug=slug
            )
        example = f"conventions/{ident}.py"
        if example not in files:
            raise BundleError(
                f"convention {ident!r} needs an example program", path=example, slug=slug
            )
        try:
            ast.parse(files[example])
        except SyntaxError as exc:
            raise BundleError(
                f"syntax error on line {exc.lineno}", path=example, slug=slug
            ) from None
        found.append(
            Convention(
                ident, title, explanation, tuple(compare), dict(inputs), shift, files[example]
            )
        )
    ids = [c.id for c in found]
    if len(set(ids)) != len(ids):
        raise BundleError("convention ids must be unique", path=path, slug=slug)
    stray = {
        name.removeprefix("conventions/").removesuffix(".py")
        for name in files
        if name.startswith("conventions/") and name.endswith(".py")
    } - set(ids)
    if stray:
        raise BundleError(
            f"conventions/{sorted(stray)[0]}.py is not declared in [[conventions]]", slug=slug
        )
    return tuple(found)
