"""Command line: grade a file exactly as the workers do.

    python -m grader check <slug-or-bundle-dir> <file.py> [--json] [--visible-only]
    python -m grader validate <slug-or-bundle-dir> [--json]

`check` exits 0 whenever a verdict was produced (whatever it is). `validate`
exits 0 when every check held and 1 when one failed. Both exit 2 for a usage
or bundle problem (a bundle that cannot be loaded) and 3 when the sandbox
itself could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import BundleError, GraderError, SandboxError, grade, load_bundle, validate_bundle

BANK = Path(
    os.environ.get("TRACELAB_BANK", Path(__file__).resolve().parent.parent / "exercises" / "bank")
)


def resolve_bundle(name: str) -> Path:
    """A bundle directory from a path or a slug in the bank."""
    path = Path(name)
    if (path / "exercise.toml").is_file():
        return path
    candidate = BANK / name
    if (candidate / "exercise.toml").is_file():
        return candidate
    raise BundleError(f"no bundle directory or bank exercise named {name!r} (bank: {BANK})")


def _format_case(case: dict) -> str:
    label = case["name"] + (" (hidden)" if case["hidden"] else "")
    if case["passed"]:
        return f"  PASS  {label}: {case['steps_compared']}/{case['steps_total']} steps agree"
    if case.get("error"):
        return f"  FAIL  {label}: {case['error']}"
    d = case.get("divergence") or {}
    if "quantity" not in d:
        return f"  FAIL  {label}: diverges at step {d.get('step')}"
    if d.get("reason") != "value":
        return f"  FAIL  {label}: trace ended early at step {d['step']}"
    return (
        f"  FAIL  {label}: step {d['step']}, {d['quantity']}[{d['index']}] = {d['got']!r}, "
        f"expected {d['expected']!r} (error {d['error']!r})"
    )


def explained_where(diagnosis: dict) -> list[str]:
    """Which cases, steps and quantities a named mistake explains, one line per case."""
    lines = []
    for item in diagnosis.get("explains") or []:
        first, last = item["steps"]
        steps = f"step {first}" if first == last else f"steps {first}-{last}"
        hidden = " (hidden)" if item.get("hidden") else ""
        quantities = ", ".join(item.get("quantities") or [])
        together = f", together with {', '.join(item['with'])}" if item.get("with") else ""
        lines.append(f"{item['case']}{hidden}: {steps} ({quantities}){together}")
    return lines


def format_report(slug: str, filename: str, result: dict) -> str:
    lines = [
        f"{slug} <- {filename}",
        f"Verdict: {result['verdict'].upper()}   score {result['score']:.2f}",
        result["message"],
    ]
    lines += [_format_case(case) for case in result["cases"]]
    for diagnosis in result["diagnoses"]:
        label = "Convention" if diagnosis.get("kind") == "convention" else "Recognised mistake"
        confidence = diagnosis.get("confidence")
        sure = f" (confidence {confidence:.2f})" if isinstance(confidence, float) else ""
        lines.append(f"{label}: {diagnosis['mistake']}{sure}: {diagnosis['hint']}")
        lines += [f"    explains {where}" for where in explained_where(diagnosis)]
    for item in result.get("unexplained") or []:
        step = f" from step {item['step']}" if item.get("step") else ""
        hidden = " (hidden)" if item.get("hidden") else ""
        lines.append(f"Not explained by a known mistake: {item['case']}{hidden}{step}")
    for hint in result["hints"]:
        lines.append(f"Hint: {hint['hint']}")
    for stream in ("stdout", "stderr"):
        if result[stream]:
            lines.append(f"--- {stream} ---\n{result[stream].rstrip()}")
    return "\n".join(lines)


def _strip_plots(result: dict) -> dict:
    for case in result["cases"]:
        case.pop("plot", None)
    return result


def check(args: argparse.Namespace) -> int:
    bundle = load_bundle(resolve_bundle(args.exercise))
    code = Path(args.file).read_bytes()
    result = grade(bundle, code, visible_only=args.visible_only).to_dict()
    if args.json:
        print(json.dumps(result if args.plots else _strip_plots(result)))
    else:
        print(format_report(bundle.slug, args.file, result))
    return 0


def validate(args: argparse.Namespace) -> int:
    report = validate_bundle(load_bundle(resolve_bundle(args.exercise)))
    print(json.dumps(report.to_dict()) if args.json else report.format())
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader")
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="grade a file against an exercise")
    check_parser.add_argument("exercise", help="a bank slug (e.g. adamw) or a bundle directory")
    check_parser.add_argument("file", help="the Python file to grade")
    check_parser.add_argument("--json", action="store_true", help="print one JSON object")
    check_parser.add_argument("--plots", action="store_true", help="include plot data in --json")
    check_parser.add_argument("--visible-only", action="store_true", help="skip hidden cases")
    validate_parser = commands.add_parser(
        "validate", help="check a bundle: reference, starter, mistakes, agreement, figures"
    )
    validate_parser.add_argument("exercise", help="a bank slug (e.g. adamw) or a bundle directory")
    validate_parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        return validate(args) if args.command == "validate" else check(args)
    except (BundleError, GraderError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SandboxError as exc:
        print(f"sandbox failure: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
