"""How well the grader names mistakes, measured: `python -m grader.diagnosis_bench [--json]`.

Grades every program of a corpus with the bundle it is written for and checks
the verdict and the named mistakes against what the program says of itself.
The corpus is a directory per bank exercise, `<corpus>/<slug>/<name>.py`; each
program starts with header comments:

    # expect: pass                      a right program
    # expect: <id>[, <id>...]           what the grader must name, and nothing else
    # kind: right | single | multi | convention | real-style
    # about: one line saying what the program does differently

It prints, per exercise and in total: verdicts right (right programs passed,
the others not), single-mistake programs whose mistake alone was named,
multi-mistake programs with every mistake named, convention programs with
their convention named, the programs where something unexpected was named,
and `grade()` latency (p50/p95) of passing and of failing programs for numpy
and torch exercises. Latency is measured once the bundle version is prepared
(its reference and mistake traces cached) and one grading has warmed the
pool, as in a worker. It is a measurement: the exit status is 0 whenever it
ran, whatever it found.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._bundle import Bundle, BundleError, load_bundle
from ._grade import GraderError, gpu_available, grade, prepared_for
from ._pool import SandboxPool
from ._sandbox import SandboxError
from .bench import _percentile

BANK = Path(
    os.environ.get("TRACELAB_BANK", Path(__file__).resolve().parent.parent / "exercises" / "bank")
)
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "grader" / "diagnosis_corpus"
KINDS = ("right", "single", "multi", "convention", "real-style")
HEADER_KEYS = ("expect", "kind", "about")


class CorpusError(ValueError):
    """A corpus program whose header cannot be read, with the file at fault."""


@dataclass(frozen=True)
class Sample:
    """One corpus program and what it says of itself."""

    slug: str
    name: str
    expect: tuple[str, ...]  # () for a right program
    kind: str
    about: str
    source: str

    @property
    def file(self) -> str:
        return f"{self.slug}/{self.name}"


def read_header(text: str, *, file: str = "") -> dict[str, str]:
    """The `# key: value` lines a corpus program starts with, checked."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        key = key.strip()
        if not sep or key not in HEADER_KEYS:
            raise CorpusError(f"{file}: unknown header line {line!r}")
        if key in header:
            raise CorpusError(f"{file}: {key!r} given twice")
        header[key] = value.strip()
    missing = [key for key in HEADER_KEYS if not header.get(key)]
    if missing:
        raise CorpusError(f"{file}: the header lacks {', '.join(missing)}")
    if header["kind"] not in KINDS:
        raise CorpusError(f"{file}: kind must be one of {', '.join(KINDS)}")
    return header


def expected_ids(expect: str, *, kind: str, file: str = "") -> tuple[str, ...]:
    """The ids in an `expect:` line (() for `pass`), checked against the kind."""
    if expect == "pass":
        ids: tuple[str, ...] = ()
    else:
        ids = tuple(part.strip() for part in expect.split(","))
        if not all(ids) or len(set(ids)) != len(ids) or "pass" in ids:
            raise CorpusError(f"{file}: expect must be 'pass' or distinct ids: {expect!r}")
    if (kind == "right" and ids) or (not ids and kind not in ("right", "real-style")):
        raise CorpusError(f"{file}: 'expect: pass' goes with kind 'right' or 'real-style'")
    if kind == "single" and len(ids) != 1:
        raise CorpusError(f"{file}: a 'single' program expects exactly one id")
    if kind == "multi" and len(ids) < 2:
        raise CorpusError(f"{file}: a 'multi' program expects two ids or more")
    return ids


def load_corpus(corpus: Path, slugs: list[str] | None = None) -> list[Sample]:
    """Every program under `corpus/<slug>/`, in order; only `slugs` when given."""
    if not corpus.is_dir():
        raise CorpusError(f"no corpus directory {corpus}")
    samples = []
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        if slugs and folder.name not in slugs:
            continue
        for path in sorted(folder.glob("*.py")):
            file = f"{folder.name}/{path.name}"
            text = path.read_text(encoding="utf-8")
            header = read_header(text, file=file)
            ids = expected_ids(header["expect"], kind=header["kind"], file=file)
            samples.append(
                Sample(folder.name, path.name, ids, header["kind"], header["about"], text)
            )
    return samples


def bundle_ids(bundle: Bundle) -> tuple[set[str], set[str]]:
    """The ids of a bundle's mistakes and of its conventions, read from its file names."""
    found: dict[str, set[str]] = {"mistakes": set(), "conventions": set()}
    for name in bundle.files:
        folder, _, file = name.partition("/")
        if folder in found and file.endswith(".py") and "/" not in file:
            found[folder].add(file.removesuffix(".py"))
    return found["mistakes"], found["conventions"]


@dataclass
class Graded:
    """What the grader said of one sample, and how long it took."""

    sample: Sample
    runtime: str
    verdict: str
    named: list[str]
    message: str
    ms: float
    conventions: set[str] = field(default_factory=set)  # the bundle's convention ids

    @property
    def verdict_right(self) -> bool:
        return (self.verdict == "passed") == (not self.sample.expect)

    @property
    def mistakes_expected(self) -> set[str]:
        return set(self.sample.expect) - self.conventions

    @property
    def conventions_expected(self) -> set[str]:
        return set(self.sample.expect) & self.conventions

    @property
    def named_wrongly(self) -> list[str]:
        return [name for name in self.named if name not in self.sample.expect]

    @property
    def met(self) -> bool:
        return self.verdict_right and set(self.named) == set(self.sample.expect)


def _ratio(hits: int, total: int) -> dict:
    return {"n": hits, "of": total, "percent": round(100 * hits / total, 1) if total else None}


def tally(graded: list[Graded]) -> dict:
    """The figures for a group of graded programs."""
    single = [o for o in graded if len(o.mistakes_expected) == 1 and not o.conventions_expected]
    multi = [o for o in graded if len(o.mistakes_expected) >= 2]
    conventions = [o for o in graded if o.conventions_expected]
    return {
        "programs": len(graded),
        "verdicts_right": _ratio(sum(o.verdict_right for o in graded), len(graded)),
        "single_named": _ratio(
            sum(set(o.named) == o.mistakes_expected for o in single), len(single)
        ),
        "multi_all_named": _ratio(
            sum(o.mistakes_expected <= set(o.named) for o in multi), len(multi)
        ),
        "conventions_named": _ratio(
            sum(o.conventions_expected <= set(o.named) for o in conventions), len(conventions)
        ),
        "named_wrongly": sum(bool(o.named_wrongly) for o in graded),
        "expectations_met": _ratio(sum(o.met for o in graded), len(graded)),
    }


def _latency(samples: list[float]) -> dict:
    if not samples:
        return {"p50_ms": None, "p95_ms": None, "runs": 0}
    return {
        "p50_ms": _percentile(samples, 50),
        "p95_ms": _percentile(samples, 95),
        "runs": len(samples),
    }


def grade_corpus(samples: list[Sample], *, pool: SandboxPool) -> list[Graded]:
    """Grade every sample with its bank bundle, one exercise after the other."""
    graded = []
    for slug in sorted({s.slug for s in samples}):
        bundle = load_bundle(BANK / slug)
        _, conventions = bundle_ids(bundle)
        prepared_for(bundle, pool=pool)
        grade(bundle, bundle.solution, pool=pool)  # warm the pool before timing
        for sample in (s for s in samples if s.slug == slug):
            # Let the pool refill between submissions, as it does between real requests.
            time.sleep(0.02)
            started = time.perf_counter()
            result = grade(bundle, sample.source, pool=pool).to_dict()
            ms = (time.perf_counter() - started) * 1000
            graded.append(
                Graded(
                    sample=sample,
                    runtime=bundle.runtime,
                    verdict=result["verdict"],
                    named=[d["mistake"] for d in result["diagnoses"]],
                    message=result["message"],
                    ms=ms,
                    conventions=conventions,
                )
            )
    return graded


def report(graded: list[Graded]) -> dict:
    """Per exercise and total figures, wrong names, latency and the machine."""
    by_slug: dict[str, list[Graded]] = {}
    for one in graded:
        by_slug.setdefault(one.sample.slug, []).append(one)
    latency = {}
    for runtime in ("numpy", "torch"):
        mine = [o for o in graded if o.runtime == runtime]
        latency[runtime] = {
            "passed": _latency([o.ms for o in mine if o.verdict == "passed"]),
            "failed": _latency([o.ms for o in mine if o.verdict != "passed"]),
        }
    return {
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "exercises": {slug: tally(group) for slug, group in by_slug.items()},
        "total": tally(graded),
        "named_wrongly": [
            {"file": o.sample.file, "expected": list(o.sample.expect), "named": o.named}
            for o in graded
            if o.named_wrongly
        ],
        "latency": latency,
    }


def failures(graded: list[Graded]) -> list[dict]:
    """Every program whose expectation was not met, with the grader's message."""
    return [
        {
            "file": o.sample.file,
            "kind": o.sample.kind,
            "expected": list(o.sample.expect) or ["pass"],
            "verdict": o.verdict,
            "named": o.named,
            "message": o.message,
        }
        for o in graded
        if not o.met
    ]


def _cell(ratio: dict) -> str:
    if not ratio["of"]:
        return "-"
    return f"{ratio['n']}/{ratio['of']} {ratio['percent']:g}%"


COLUMNS = (
    ("verdicts right", "verdicts_right"),
    ("single named", "single_named"),
    ("multi all named", "multi_all_named"),
    ("conventions named", "conventions_named"),
    ("met", "expectations_met"),
)


def format_report(data: dict, unmet: list[dict] | None = None) -> str:
    rows = [("exercise", "programs", *(title for title, _ in COLUMNS), "named wrongly")]
    for slug, figures in [*data["exercises"].items(), ("total", data["total"])]:
        rows.append(
            (
                slug,
                str(figures["programs"]),
                *(_cell(figures[key]) for _, key in COLUMNS),
                str(figures["named_wrongly"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(-1, "  ".join("-" * width for width in widths))
    if data["named_wrongly"]:
        lines += ["", "named wrongly:"]
        for item in data["named_wrongly"]:
            expected = ", ".join(item["expected"]) or "pass"
            lines.append(
                f"  {item['file']}: named {', '.join(item['named'])} (expected {expected})"
            )
    lines += ["", "grade() latency:"]
    for runtime, groups in data["latency"].items():
        for verdict, figures in groups.items():
            if figures["runs"]:
                lines.append(
                    f"  {runtime} {verdict:<6}  p50 {figures['p50_ms']} ms  "
                    f"p95 {figures['p95_ms']} ms  ({figures['runs']} programs)"
                )
    lines += ["", f"machine: {data['machine']}"]
    if unmet is not None:
        lines += ["", f"expectations not met ({len(unmet)}):"]
        for item in unmet:
            lines.append(
                f"  {item['file']} [{item['kind']}]: expected {', '.join(item['expected'])}; "
                f"{item['verdict']}, named {', '.join(item['named']) or 'nothing'}"
            )
            lines.append(f"      {item['message']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None, *, pool: SandboxPool | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader.diagnosis_bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help=f"corpus directory (default {CORPUS})"
    )
    parser.add_argument(
        "--exercise", action="append", metavar="SLUG", help="only this exercise (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--list-failures",
        action="store_true",
        help="also list every program whose expectation was not met, with the grader's message",
    )
    args = parser.parse_args(argv)
    try:
        samples = load_corpus(args.corpus, args.exercise)
        bank = {p.name for p in BANK.iterdir() if (p / "exercise.toml").is_file()}
        unknown = sorted(({s.slug for s in samples} | set(args.exercise or ())) - bank)
        if unknown:
            raise CorpusError(f"not bank exercises: {', '.join(unknown)} (bank: {BANK})")
        if not samples:
            raise CorpusError(f"no programs in {args.corpus}")
    except (CorpusError, BundleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    own_pool = pool is None
    pool = pool or SandboxPool(gpu=gpu_available())
    try:
        graded = grade_corpus(samples, pool=pool)
    except (BundleError, GraderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SandboxError as exc:
        print(f"sandbox failure: {exc}", file=sys.stderr)
        return 3
    finally:
        if own_pool:
            pool.close()
    data = report(graded)
    unmet = failures(graded) if args.list_failures else None
    if args.json:
        print(json.dumps(data if unmet is None else {**data, "failures": unmet}))
    else:
        print(format_report(data, unmet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
