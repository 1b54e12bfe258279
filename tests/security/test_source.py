"""Source that should never reach a sandbox, and source that cannot run."""

import time

import pytest

from grader import MAX_SOURCE_BYTES, grade

from .conftest import limited

pytestmark = pytest.mark.security


class NoSandbox:
    """A pool that fails the test if anything at all is run in it."""

    def __init__(self) -> None:
        self.runs = 0

    def run(self, *args, **kwargs):
        self.runs += 1
        raise AssertionError("a sandbox job was run for a source that should have been rejected")

    def warm_up(self, runtime):
        raise AssertionError("a sandbox was started")


@pytest.fixture
def no_sandbox():
    pool = NoSandbox()
    yield pool
    assert pool.runs == 0


@pytest.fixture(scope="module")
def uncached(adamw):
    """adamw as a version nobody has graded yet: even its reference would need a sandbox."""
    return limited(adamw, output_bytes=12345)


@pytest.mark.parametrize(
    "code",
    [
        "x = 1\n" * (5 * 1024 * 1024 // 6),
        b"#" * (5 * 1024 * 1024),
        "# " + "\u00e9" * (MAX_SOURCE_BYTES // 2) + "\n",
    ],
    ids=["5MB-text", "5MB-bytes", "multibyte-over-limit"],
)
def test_oversized_source_is_rejected_before_anything_runs(uncached, no_sandbox, code):
    started = time.monotonic()
    result = grade(uncached, code, pool=no_sandbox)
    assert time.monotonic() - started < 1
    assert result.verdict == "rejected"
    assert f"{MAX_SOURCE_BYTES:,} bytes" in result.message


@pytest.mark.parametrize(
    "code, words",
    [
        (b"def adamw_step(w, *a):\n    return w  # \xff\xfe\n", "not UTF-8"),
        (b"\xc3\x28 = 1\n", "not UTF-8"),
        ("x = 1\n\x00\nimport os\n", "NUL byte (line 2)"),
        (b"def adamw_step(*a):\n    pass\x00\n", "NUL byte (line 2)"),
        ("x = '\ud800'\n", "not valid Unicode"),
    ],
    ids=["invalid-utf8", "bad-continuation", "nul-text", "nul-bytes", "lone-surrogate"],
)
def test_undecodable_source_is_rejected_before_anything_runs(uncached, no_sandbox, code, words):
    result = grade(uncached, code, pool=no_sandbox)
    assert result.verdict == "rejected"
    assert words in result.message


@pytest.mark.parametrize(
    "code, words",
    [
        ("def adamw_step(w, grad\n    return w\n", "does not parse on line 1"),
        ("def adamw_step(w):\n\treturn w\n        return w\n", "does not parse on line 3"),
        ("x = (" * 500 + ")" * 500 + "\n", "does not parse"),
        ("def adamw_step(*a):\n    return " + "-" * 60000 + "1\n", "does not parse"),
    ],
    ids=["syntax-error", "indentation", "parser-nesting", "deep-unary"],
)
def test_syntax_errors_are_reported_with_a_line(hostile, code, words):
    result = hostile(code, stub=False)
    assert result.verdict == "error"
    assert words in result.message


@pytest.mark.parametrize(
    "code",
    [
        "def adam_step(*args):\n    return args\n",
        "adamw_step = 42\n",
        "class adamw_step_:\n    pass\n",
        "",
    ],
    ids=["misspelled", "not-callable", "wrong-class", "empty"],
)
def test_missing_entrypoint_is_reported(hostile, code):
    result = hostile(code, stub=False)
    assert result.verdict == "error"
    assert "defines no function named adamw_step" in result.message


def test_utf8_bytes_are_decoded_and_graded_normally(hostile):
    result = hostile(
        "# caf\u00e9\n".encode() + b"def adamw_step(w, grad, m, v, *a):\n    return w, m, v\n",
        stub=False,
    )
    assert result.verdict == "failed"
