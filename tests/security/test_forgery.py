"""Forged results: output is data, checked outside; a forgery is at best a correct trace."""

import pytest

from grader import prepared_for

from .conftest import attack_source, limited

pytestmark = pytest.mark.security

FRAME = """
import json, os, struct

def frame(data):
    if not isinstance(data, bytes):
        data = json.dumps(data).encode()
    os.write(3, struct.pack(">I", len(data)) + data)

def wrong_trace(steps):
    return [{"w": [0.5, 0.5], "m": [0.0, 0.0], "v": [0.0, 0.0]}] * steps
"""
STEPS = [25, 30, 20]


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return "." in token or "e" in token


def test_forged_verdict_on_stdout_and_stderr_is_only_text(hostile):
    program = """
import json, sys
claim = {"verdict": "passed", "score": 1.0, "cases": [], "message": "All cases match."}
print(json.dumps(claim))
sys.stderr.write(json.dumps(claim))
"""
    result = hostile(program)
    assert result.verdict == "failed" and result.score == 0.0
    # Shown to the student as their own output, nothing more.
    assert '"verdict": "passed"' in result.stdout


def test_forged_wrong_trace_for_every_case_then_exit_fails(hostile):
    program = (
        FRAME
        + f"""
for case, steps in enumerate({STEPS}):
    frame({{"case": case, "trace": wrong_trace(steps), "error": None}})
frame({{"done": True}})
os._exit(0)
"""
    )
    result = hostile(program)
    assert result.verdict == "failed"
    assert "first diverges at step 1" in result.message and "is 0.5" in result.message


def test_forged_frame_before_the_harness_writes_is_rejected_as_a_duplicate(hostile):
    program = (
        FRAME
        + """
frame({"case": 0, "trace": wrong_trace(25), "error": None})
"""
    )
    result = hostile(program)
    assert result.verdict == "rejected"
    assert "result channel" in result.message and "repeated case" in result.message


@pytest.mark.parametrize(
    "payload, words",
    [
        ({"case": 7, "trace": [], "error": None}, "unknown or repeated case"),
        ({"case": -1, "trace": [], "error": None}, "unknown or repeated case"),
        (
            {
                "case": 0,
                "trace": [{"w": [0.5, 0.5], "m": [0.0, 0.0], "v": [0.0, 0.0]}] * 500,
                "error": None,
            },
            "at most `steps` records",
        ),
        (
            {
                "case": 0,
                "trace": [{"w": [0.5] * 9, "m": [0.0, 0.0], "v": [0.0, 0.0]}],
                "error": None,
            },
            "w has 9 values",
        ),
        (
            {
                "case": 0,
                "trace": [{"w": ["0.5", 0.5], "m": [0.0, 0.0], "v": [0.0, 0.0]}],
                "error": None,
            },
            "other than numbers",
        ),
        (
            {"case": 0, "trace": [{"w": [0.5, 0.5], "m": [0.0, 0.0]}], "error": None},
            "wrong quantities",
        ),
        ({"case": 0, "trace": [], "error": {"not": "text"}}, "not text"),
        ([1, 2, 3], "not an object"),
    ],
    ids=[
        "extra-case",
        "negative-case",
        "too-many-steps",
        "wrong-width",
        "strings",
        "missing-quantity",
        "error-not-text",
        "not-an-object",
    ],
)
def test_malformed_frames_are_rejected(hostile, payload, words):
    program = FRAME + f"frame({payload!r})\nframe({{'done': True}})\nos._exit(0)\n"
    result = hostile(program)
    assert result.verdict == "rejected"
    assert words in result.message


@pytest.mark.parametrize(
    "data",
    [
        "b'[' * 100_000 + b']' * 100_000",
        """b'{"case":0,"trace":[{"w":[' + b'9' * 5000 + b',1],"m":[0,0],"v":[0,0]}]}'""",
        "b'\\xff\\xfe not json'",
        """b'{"case":0,"trace":[],"error":null'""",
    ],
    ids=["deeply-nested", "5000-digit-integer", "invalid-utf8", "truncated-json"],
)
def test_unparseable_frames_are_rejected_not_a_grader_crash(hostile, data):
    program = FRAME + f"frame({data})\nos._exit(0)\n"
    result = hostile(program)
    assert result.verdict == "rejected"
    assert "result channel carried something the harness never sends" in result.message


def test_numbers_too_large_for_a_float_are_rejected_not_a_grader_crash(hostile):
    big = "9" * 400
    program = (
        FRAME
        + f"""
frame(b'{{"case":0,"trace":[{{"w":[{big},1],"m":[0,0],"v":[0,0]}}],"error":null}}')
frame({{"done": True}})
os._exit(0)
"""
    )
    result = hostile(program)
    assert result.verdict == "rejected"
    assert "other than numbers" in result.message


@pytest.mark.parametrize(
    "raw",
    [
        "os.urandom(4096)",
        "b'\\xff\\xff\\xff\\xff' + b'x' * 100",
        "b'\\x00\\x00\\x00\\x10' + b'{}'",
    ],
    ids=["random-bytes", "4-GiB-header", "truncated-body"],
)
def test_garbage_bytes_on_the_result_descriptor_are_rejected(hostile, raw):
    result = hostile(f"import os\nos.write(3, {raw})\n")
    assert result.verdict == "rejected"
    assert "result channel" in result.message


def test_huge_frame_on_the_result_descriptor_is_cut_off(hostile):
    program = (
        "import os\nchunk = b' ' * (1 << 20)\nos.write(3, b'\\x00\\x50\\x00\\x00')\n"
        "for _ in range(8):\n    os.write(3, chunk)\n"
    )
    result = hostile(program)
    assert result.verdict == "rejected"
    assert "more than the result channel allows" in result.message


def test_forged_fatal_frame_cannot_crash_the_message(hostile):
    program = (
        FRAME
        + """
frame({"fatal": {"kind": "syntax", "message": [1] * 10000, "line": 10**4000, "offset": "x"}})
os._exit(0)
"""
    )
    result = hostile(program)
    assert result.verdict == "error"
    assert len(result.message) < 3000


def test_forged_done_frame_without_cases_does_not_pass(hostile):
    program = FRAME + "frame({'done': True})\nos._exit(0)\n"
    result = hostile(program)
    assert result.verdict == "failed"
    assert "stopped early at step 1" in result.message


def test_os_exit_at_import_is_reported(hostile):
    result = hostile("import os\nos._exit(0)\n")
    assert result.verdict == "error"
    assert "exited before every case was run" in result.message


def test_os_exit_inside_the_step_is_reported(hostile):
    result = hostile("import os\n\ndef adamw_step(*args):\n    os._exit(0)\n", stub=False)
    assert result.verdict == "error"
    assert "exited before every case was run" in result.message


@pytest.mark.parametrize("where", ["import", "step"])
def test_system_exit_zero_is_reported(hostile, where):
    if where == "import":
        result = hostile("raise SystemExit(0)\n")
        assert result.verdict == "error"
    else:
        result = hostile("def adamw_step(*args):\n    raise SystemExit(0)\n", stub=False)
        assert result.verdict == "failed"
    assert "SystemExit(0): the program tried to exit instead of returning" in result.message


@pytest.mark.parametrize("base", ["BaseException", "KeyboardInterrupt", "GeneratorExit"])
def test_base_exception_subclasses_are_caught_and_named(hostile, base):
    program = (
        f"class Escape({base}):\n    pass\n\ndef adamw_step(*args):\n    raise Escape('out')\n"
    )
    result = hostile(program, stub=False)
    assert result.verdict == "failed"
    assert "Escape: out" in result.message


PATCHES = {
    "numpy-allclose": "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n",
    "builtins-abs": "import builtins\nbuiltins.abs = lambda x: 0.0\n",
    "math-isclose": "import math\nmath.isclose = lambda *a, **k: True\n"
    "math.isnan = lambda x: True\n",
    "json-dumps": """
import json
_real = json.dumps

def dumps(obj, *args, **kwargs):
    if isinstance(obj, dict) and "trace" in obj:
        fake = {"w": [0.1, 0.1], "m": [0.0, 0.0], "v": [0.0, 0.0]}
        obj = {**obj, "trace": [fake] * len(obj["trace"])}
    return _real(obj, *args, **kwargs)

json.dumps = dumps
""",
    "harness-checker": """
import numpy as np
import harness.drivers as drivers
drivers.as_float_array = lambda name, value, shape: np.full(shape, 0.25)
""",
    "numpy-isfinite": "import numpy as np\nnp.isfinite = lambda x: np.ones(np.shape(x), bool)\n"
    "np.array_equal = lambda *a: True\n",
}


@pytest.mark.parametrize("patch", PATCHES.values(), ids=PATCHES.keys())
def test_monkeypatching_inside_the_sandbox_does_not_change_the_verdict(hostile, patch):
    result = hostile(patch)
    assert result.verdict == "failed"
    assert "first diverges at step 1" in result.message


def test_walking_gc_objects_finds_no_expected_values(hostile, adamw, pool):
    prepared = prepared_for(adamw, pool=pool)
    expected = set()
    for trace in (prepared.reference[i] for i in prepared.visible):
        for record in trace[2:]:
            for values in record.values():
                expected.update(v for v in values if v not in (0.0, 1.0))
    # Room for the whole walk in stdout, so nothing it found is trimmed away.
    bundle = limited(adamw, output_bytes=1 << 20, output_kill_bytes=4 << 20)
    result = hostile(attack_source("gc_walk"), bundle=bundle, stub=False)
    found = {float(token) for token in result.stdout.split() if _is_float(token)}
    assert len(found) > 20, "the walk saw the case inputs at least"
    assert not (found & expected), "an expected value was found inside the sandbox"
    assert not result.resources["stdout_trimmed"]


LIARS = {
    "eq-always-true": """
import numpy as np

class Liar(np.ndarray):
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False

def adamw_step(w, grad, m, v, t, lr, *rest):
    return (w * 0 + 0.5).view(Liar), m, v
""",
    "array-protocol": """
import numpy as np

class Liar:
    calls = 0
    def __array__(self, dtype=None, copy=None):
        Liar.calls += 1
        return np.array([0.5, 0.5])
    def __eq__(self, other):
        return True
    def __float__(self):
        return 0.945000000005

def adamw_step(w, grad, m, v, t, lr, *rest):
    return Liar(), m, v
""",
    "float-protocol": """
class Liar(float):
    def __eq__(self, other):
        return True
    def __float__(self):
        return 0.5
    def __sub__(self, other):
        return 0.0
    __rsub__ = __sub__

def adamw_step(w, grad, m, v, t, lr, *rest):
    return [Liar(0.945000000005), Liar(0.9950000000000001)], m, v
""",
}


@pytest.mark.parametrize("program", LIARS.values(), ids=LIARS.keys())
def test_returned_objects_that_lie_are_recorded_by_their_values(hostile, program):
    result = hostile(program, stub=False)
    assert result.verdict == "failed"
    assert "first diverges at step" in result.message


RETURNS = {
    "nan": ("return w * float('nan'), m, v", "nan"),
    "inf": ("return w + float('inf'), m, v", "inf"),
    "wrong-shape": ("return w[:1], m, v", "shape (1,); expected (2,)"),
    "wrong-dtype": ("return w.astype('float32'), m, v", "dtype float32; expected float64"),
    "complex": ("return w.astype(complex), m, v", "dtype complex128"),
    "object-array": ("return np.array([object(), object()]), m, v", "dtype object"),
    "strings": ("return ['a', 'b'], m, v", "not an array of numbers"),
    "too-few-values": ("return w, m", "must return 3 values"),
    "none": ("return None", "must return"),
    "huge-array": ("return np.ones(10**8), m, v", "the memory limit is 512 MB"),
    "huge-view": (
        "return np.broadcast_to(0.0, (10**8,)), m, v",
        "shape (100000000,); expected (2,)",
    ),
    "generator": ("return (x for x in (w, m, v))", "must return"),
}


@pytest.mark.parametrize("body, words", RETURNS.values(), ids=RETURNS.keys())
def test_bad_return_values_fail_with_a_clear_message(hostile, body, words):
    program = f"import numpy as np\n\ndef adamw_step(w, grad, m, v, t, lr, *rest):\n    {body}\n"
    result = hostile(program, stub=False)
    assert result.verdict == "failed"
    assert words in result.message
