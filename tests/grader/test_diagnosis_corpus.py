"""The diagnosis corpus is well formed, and the diagnosis bench measures a corpus."""

import ast
import json
from pathlib import Path

import pytest

from grader import load_bundle
from grader.diagnosis_bench import (
    CorpusError,
    bundle_ids,
    expected_ids,
    format_report,
    load_corpus,
    main,
    read_header,
)

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "exercises" / "bank"
CORPUS = Path(__file__).resolve().parent / "diagnosis_corpus"
PROGRAMS = sorted(CORPUS.glob("*/*.py"))
EXERCISES = sorted(p.name for p in BANK.iterdir() if (p / "exercise.toml").is_file())


def _ids(slug: str) -> tuple[set[str], set[str]]:
    return bundle_ids(load_bundle(BANK / slug))


def test_every_corpus_folder_is_a_bank_exercise():
    folders = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert set(folders) <= set(EXERCISES)


def test_every_bank_exercise_has_programs():
    assert [slug for slug in EXERCISES if not list((CORPUS / slug).glob("*.py"))] == []


def test_the_corpus_loads_whole():
    samples = load_corpus(CORPUS)
    assert len(samples) == len(PROGRAMS) >= 150


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_program_has_a_valid_header_and_parses(path):
    text = path.read_text(encoding="utf-8")
    header = read_header(text, file=path.name)
    assert len(header["about"]) >= 10
    expected_ids(header["expect"], kind=header["kind"], file=path.name)
    ast.parse(text, filename=str(path))


@pytest.mark.parametrize("slug", sorted({p.parent.name for p in PROGRAMS}))
def test_expected_ids_are_the_bundles_mistakes_or_conventions(slug):
    mistakes, conventions = _ids(slug)
    problems = []
    for sample in load_corpus(CORPUS, [slug]):
        unknown = set(sample.expect) - mistakes - conventions
        if unknown:
            problems.append(f"{sample.file}: {sorted(unknown)} not in {slug}")
        if sample.kind in ("single", "multi") and not set(sample.expect) <= mistakes:
            problems.append(f"{sample.file}: a {sample.kind} program expects mistakes only")
        if sample.kind == "convention" and not set(sample.expect) & conventions:
            problems.append(f"{sample.file}: a convention program expects a convention")
    assert problems == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# expect: pass\n# kind: right\n", "lacks about"),
        ("# expect: pass\n# kind: single\n# about: x\n", "'expect: pass' goes with"),
        ("# expect: ascent\n# kind: right\n# about: x\n", "'expect: pass' goes with"),
        ("# expect: ascent, ascent\n# kind: multi\n# about: x\n", "distinct ids"),
        ("# expect: ascent\n# kind: multi\n# about: x\n", "two ids or more"),
        ("# expect: a, b\n# kind: single\n# about: x\n", "exactly one id"),
        ("# expect: ascent\n# kind: odd\n# about: x\n", "kind must be one of"),
        ("# expect: pass\n# note: x\n# kind: right\n# about: x\n", "unknown header line"),
    ],
)
def test_a_bad_header_is_refused_with_the_reason(text, problem):
    with pytest.raises(CorpusError, match=problem):
        header = read_header(text, file="x.py")
        expected_ids(header["expect"], kind=header["kind"], file="x.py")


RIGHT = """\
# expect: pass
# kind: right
# about: the plain rule
def sgd_step(w, grad, lr):
    return w - lr * grad
"""
ASCENT = """\
# expect: ascent
# kind: single
# about: adds the gradient
def sgd_step(w, grad, lr):
    return w + lr * grad
"""
MISLABELLED = """\
# expect: pass
# kind: right
# about: claims to be right but climbs
def sgd_step(w, grad, lr):
    w += lr * grad
    return w
"""


def test_bench_counts_verdicts_names_and_latency_in_the_real_sandbox(tmp_path, capsys, pool):
    folder = tmp_path / "sgd"
    folder.mkdir()
    for name, text in (("right", RIGHT), ("ascent", ASCENT), ("mislabelled", MISLABELLED)):
        (folder / f"{name}.py").write_text(text)

    status = main(["--corpus", str(tmp_path), "--json", "--list-failures"], pool=pool)

    assert status == 0
    data = json.loads(capsys.readouterr().out)
    sgd = data["exercises"]["sgd"]
    assert sgd == data["total"]
    assert sgd["programs"] == 3
    assert sgd["verdicts_right"] == {"n": 2, "of": 3, "percent": 66.7}
    assert sgd["single_named"] == {"n": 1, "of": 1, "percent": 100.0}
    assert sgd["multi_all_named"]["of"] == sgd["conventions_named"]["of"] == 0
    assert sgd["named_wrongly"] == 1
    assert data["named_wrongly"] == [
        {"file": "sgd/mislabelled.py", "expected": [], "named": ["ascent"]}
    ]
    assert [f["file"] for f in data["failures"]] == ["sgd/mislabelled.py"]
    latency = data["latency"]
    assert latency["numpy"]["passed"]["runs"] == 1
    assert latency["numpy"]["failed"]["runs"] == 2
    assert latency["numpy"]["failed"]["p50_ms"] > 0
    assert latency["torch"]["passed"]["runs"] == latency["torch"]["failed"]["runs"] == 0
    assert "cores, Python" in data["machine"]

    text = format_report(data, data["failures"])
    assert "2/3 66.7%" in text
    assert "sgd/mislabelled.py: named ascent (expected pass)" in text
    assert "numpy failed" in text and "torch" not in text


def test_bench_refuses_a_folder_that_is_not_a_bank_exercise(tmp_path, capsys):
    (tmp_path / "no-such-exercise").mkdir()
    (tmp_path / "no-such-exercise" / "x.py").write_text(RIGHT)
    assert main(["--corpus", str(tmp_path)]) == 2
    assert "not bank exercises: no-such-exercise" in capsys.readouterr().err
