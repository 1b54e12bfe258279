"""Exercise bundles: load, check and identify them.

A bundle is a directory (or the same files held in a database row):

    exercise.toml   metadata, grading spec, tolerances, limits, cases
    prompt.md       the statement
    starter.py      what the student starts from (must fail)
    solution.py     the reference (must pass)
    mistakes/*.py   realistic wrong versions; each sets HINT = "..." at top level
    agreement/*.py  optional independent implementations that must pass too

Mistake hints are read with `ast`, never by running the file: bundle code is
only ever executed inside the sandbox.
"""

from __future__ import annotations

import ast
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ._sandbox import Limits
from .harness.drivers import DRIVERS

RUNTIMES = ("numpy", "torch")
DEVICES = ("cpu", "gpu", "any")
REQUIRED_FILES = ("exercise.toml", "prompt.md", "starter.py", "solution.py")
MAX_BUNDLE_FILE_BYTES = 256 << 10


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


def mistake_header(source: str) -> tuple[str, str]:
    """A mistake file's title (its docstring's first line) and HINT, read with ast.

    Never runs the file. Either is "" when missing or not a string literal.
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
            and node.targets[0].id == "HINT"
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


def _check_case(case: dict, index: int, *, slug: str) -> dict:
    path = f"exercise.toml [[cases]] #{index + 1}"
    name = _require(case, "name", str, path=path, slug=slug)
    _require(case, "steps", int, path=path, slug=slug)
    if not 1 <= case["steps"] <= 10_000:
        raise BundleError("steps must be between 1 and 10000", path=path, slug=slug)
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
    try:
        meta = tomllib.loads(files["exercise.toml"])
    except tomllib.TOMLDecodeError as exc:
        raise BundleError(f"invalid TOML: {exc}", path="exercise.toml") from None
    path = "exercise.toml"
    slug = _require(meta, "id", str, path=path, slug="")
    title = _require(meta, "title", str, path=path, slug=slug)
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
    limits_table = meta.get("limits", {})
    unknown = set(limits_table) - set(Limits.__dataclass_fields__)
    if unknown:
        raise BundleError(f"unknown limits {sorted(unknown)}", path=path, slug=slug)
    cases = tuple(
        _check_case(
            _specs.check_case(grading, c, f"{path} [[cases]] #{i + 1}", slug=slug), i, slug=slug
        )
        for i, c in enumerate(meta.get("cases", []))
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
        lesson=meta.get("lesson"),
        points=int(meta.get("points", 10)),
        runtime=runtime,
        device=device,
        concepts=tuple(meta.get("concepts", ())),
        grading=grading,
        rtol=float(tolerance.get("rtol", 1e-7)),
        atol=float(tolerance.get("atol", 1e-10)),
        cuda_tolerance=_cuda_tolerance(tolerance, slug=slug),
        limits=Limits(**limits_table),
        cases=cases,
        prompt=files["prompt.md"],
        starter=files["starter.py"],
        solution=files["solution.py"],
        mistakes=tuple(mistakes),
        files=files,
        content_hash=content_hash(files),
        figures=_specs.check_figures(meta.get("figures", []), grading, slug=slug),
        agreements=tuple(agreements),
    )
