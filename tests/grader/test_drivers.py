"""The call, torch_optimizer and torch_train_step drivers, on small bundles in the real sandbox."""

import random
import re
import types
from pathlib import Path

import numpy as np
import pytest

from grader import Bundle, BundleError, grade, load_bundle, run_program
from grader._cases import materialise
from grader.harness.drivers import SubmissionFault
from grader.harness.drivers_call import build_calls, flatten, training_log
from grader.harness.drivers_torch import micro_batch_sizes, resolve_device, torch_train_step

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def clip():
    return load_bundle(DATA / "clip-norm")


@pytest.fixture(scope="module")
def memory():
    return load_bundle(DATA / "optimizer-memory")


@pytest.fixture(scope="module")
def torch_adamw():
    return load_bundle(DATA / "torch-adamw")


@pytest.fixture(scope="module")
def train_step():
    return load_bundle(DATA / "train-step")


def read(bundle: str, path: str) -> str:
    return (DATA / bundle / path).read_text()


def mistakes(bundle: str) -> list[str]:
    return sorted(p.stem for p in (DATA / bundle / "mistakes").glob("*.py"))


def failed_with(result, words: str) -> bool:
    return result.verdict == "failed" and any(words in (c.error or "") for c in result.cases)


# -- call ------------------------------------------------------------------------------
CLIP_LIKE_TORCH = """
import numpy as np

def clip_global_norm(grads, max_norm):
    total = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads])))
    if not np.isfinite(total):
        raise ValueError("non-finite norm")
    coef = min(max_norm / (total + 1e-6), 1.0)
    return [g * coef for g in grads], total
"""

CLIP_IN_PLACE = """
import math

class NotFinite(ValueError):
    pass

def clip_global_norm(grads, max_norm):
    total = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    if math.isnan(total) or math.isinf(total):
        raise NotFinite(total)
    if total > max_norm:
        for g in grads:
            g *= max_norm / total
    return grads, total
"""


@pytest.mark.parametrize(
    "program",
    ["solution", CLIP_LIKE_TORCH, CLIP_IN_PLACE],
    ids=["reference", "torch-style-eps", "in-place-with-subclassed-error"],
)
def test_call_correct_clipping_written_differently_passes(clip, pool, program):
    source = read("clip-norm", "solution.py") if program == "solution" else program
    result = grade(clip, source, pool=pool)
    assert result.verdict == "passed", result.message
    assert any(case.hidden for case in result.cases)


@pytest.mark.parametrize("mistake", mistakes("clip-norm"))
def test_call_each_clipping_mistake_fails_and_is_named(clip, pool, mistake):
    result = grade(clip, read("clip-norm", f"mistakes/{mistake}.py"), pool=pool)
    assert result.verdict == "failed"
    assert [d["mistake"] for d in result.diagnoses] == [mistake]


def test_call_raises_names_the_exception_raised_where_another_is_asked(clip, pool):
    wrong_error = read("clip-norm", "solution.py").replace("raise ValueError", "raise RuntimeError")
    result = grade(clip, wrong_error, pool=pool, visible_only=True)
    by_name = {case.name: case for case in result.cases}
    failing = by_name["non-finite gradients"]
    assert not failing.passed and failing.error is None
    assert failing.divergence.quantity == "raised"
    assert (failing.divergence.expected, failing.divergence.got) == (1.0, 2.0)
    assert failing.notes["raised"][0] == [0, "RuntimeError"]
    assert "raised RuntimeError where ValueError is asked" in result.message
    assert all(case.passed for name, case in by_name.items() if name != "non-finite gradients")


def test_call_raises_says_when_nothing_was_raised(clip, pool):
    silent = read("clip-norm", "solution.py").replace("raise ValueError", "return grads, total #")
    result = grade(clip, silent, pool=pool, visible_only=True)
    failing = next(case for case in result.cases if case.name == "non-finite gradients")
    assert (failing.divergence.expected, failing.divergence.got) == (1.0, 0.0)
    assert "returned normally; it must raise ValueError" in result.message


@pytest.mark.parametrize(
    "body, words",
    [
        ("return grads[:1], 1.0", "clipped as a list of 2 arrays; got 1 items"),
        (
            "return [g.reshape(-1, 1) for g in grads], 1.0",
            "clipped[0] has shape (2, 1); expected (2,)",
        ),
        ("return [g.astype('float32') for g in grads], 1.0", "clipped[0] has dtype float32"),
        ("return grads, [1.0, 2.0]", "total_norm as a single number; got list"),
        ("return grads[0]", "must return (clipped, total_norm); got ndarray"),
        ("return grads, 1.0, 2.0", "must return (clipped, total_norm); got 3 values"),
        ("return None", "must return (clipped, total_norm); got NoneType"),
        ("return grads, 'one'", "total_norm as a single number; got str"),
    ],
)
def test_call_contract_violations_get_a_clear_message(clip, pool, body, words):
    program = f"def clip_global_norm(grads, max_norm):\n    {body}\n"
    result = grade(clip, program, pool=pool, visible_only=True)
    assert failed_with(result, words), [c.error for c in result.cases]


def test_call_random_arguments_are_fresh_per_call_and_fixed_by_the_seed(clip):
    case = materialise(clip.visible_cases[1], random.Random(0))
    first, again = build_calls(case, clip.grading), build_calls(case, clip.grading)
    assert len(first) == case["steps"] == 4
    assert [g.shape for g in first[0]["grads"]] == [(3, 4), (5,)]
    assert all(
        np.array_equal(a, b)
        for c1, c2 in zip(first, again, strict=True)
        for a, b in zip(c1["grads"], c2["grads"], strict=True)
    )
    assert not np.array_equal(first[0]["grads"][1], first[1]["grads"][1])
    other = build_calls({**case, "seed": 2}, clip.grading)
    assert not np.array_equal(first[0]["grads"][1], other[0]["grads"][1])


def test_call_refuses_a_huge_returned_array_before_copying_it():
    huge = np.broadcast_to(np.zeros(1), (10**9,))
    with pytest.raises(SubmissionFault, match="clipped holds 1000000000 values; at most 65536"):
        flatten("clipped", huge)
    assert flatten("x", [np.arange(2.0), 3, np.float32(0.5)]) == [0.0, 1.0, 3.0, 0.5]


def test_call_hidden_cases_draw_a_new_seed_and_shared_values(clip):
    hidden = clip.hidden_cases[0]
    one, two = materialise(hidden, random.Random(1)), materialise(hidden, random.Random(2))
    assert one["seed"] != two["seed"]
    assert 0.5 <= one["args"]["max_norm"] <= 8.0


def test_call_returns_integers_and_takes_strings(memory, pool):
    assert grade(memory, read("optimizer-memory", "solution.py"), pool=pool).verdict == "passed"
    for mistake in mistakes("optimizer-memory"):
        result = grade(memory, read("optimizer-memory", f"mistakes/{mistake}.py"), pool=pool)
        assert [d["mistake"] for d in result.diagnoses] == [mistake]
    text = "def optimizer_memory(num_params, optimizer, dtype):\n    return '4000'\n"
    assert failed_with(grade(memory, text, pool=pool), "bytes as a single number; got str")


# -- call: synthetic training logs ----------------------------------------------------
LOG_SPEC = {"driver": "call", "args": ["loss", "grad_norm", "window"]}


def draw_log(seed: int, **keys) -> tuple[np.ndarray, np.ndarray]:
    return training_log({"kind": "training_log", **keys}, np.random.default_rng(seed))


def test_training_logs_are_the_same_bit_for_bit_from_a_seed_and_fresh_for_every_call():
    case = {
        "steps": 3,
        "seed": 4,
        "args": {"window": 5},
        "random": {"log": {"kind": "training_log", "length": 50, "spikes": 2, "diverge": "maybe"}},
    }
    first, again = build_calls(case, LOG_SPEC), build_calls(case, LOG_SPEC)
    assert [sorted(call) for call in first] == [["grad_norm", "loss", "window"]] * 3
    for one, two in zip(first, again, strict=True):
        for name in ("loss", "grad_norm"):
            assert one[name].dtype == np.float64 and one[name].shape == (50,)
            assert one[name].tobytes() == two[name].tobytes()  # NaN included
    assert first[0]["loss"].tobytes() != first[1]["loss"].tobytes()
    other = build_calls({**case, "seed": 5}, LOG_SPEC)
    assert other[0]["loss"].tobytes() != first[0]["loss"].tobytes()


def test_training_log_fills_the_arguments_named_by_into():
    spec = {"driver": "call", "args": ["train_loss", "norms"]}
    log = {"kind": "training_log", "length": 10, "into": ["train_loss", "norms"]}
    (call,) = build_calls({"steps": 1, "random": {"run": log}}, spec)
    assert sorted(call) == ["norms", "train_loss"]
    assert np.array_equal(call["train_loss"], draw_log(0, length=10)[0])


def test_training_log_without_noise_is_a_smooth_decay_with_the_spikes_injected():
    loss, grad_norm = draw_log(1, length=80, noise=0.0, grad_noise=0.0, spikes=3, decay=20.0)
    smooth_loss, smooth_grad = draw_log(1, length=80, noise=0.0, grad_noise=0.0, decay=20.0)
    assert smooth_loss[0] == 4.0 and np.all(np.diff(smooth_loss) < 0) and smooth_loss[-1] > 1.0
    assert smooth_grad[0] == 1.0 and 0.5 < smooth_grad[-1] < smooth_grad[0]
    ratio = loss / smooth_loss
    spiked = np.flatnonzero(ratio != 1.0)
    assert len(spiked) == 3 and spiked.min() >= 1
    assert np.all((ratio[spiked] >= 3.0) & (ratio[spiked] <= 10.0))
    assert np.array_equal(np.flatnonzero(grad_norm / smooth_grad != 1.0), spiked)


def test_training_log_plateau_holds_the_trend_still():
    loss, _ = draw_log(2, length=100, noise=0.0, plateau=True)
    flat = np.flatnonzero(np.diff(loss) == 0.0)
    assert 10 <= len(flat) <= 25  # a tenth to a quarter of the run
    assert np.all(np.diff(flat) == 1) and 20 <= flat[0] <= 60
    assert np.all(np.diff(loss[flat[-1] + 1 :]) < 0)  # then the decay resumes


@pytest.mark.parametrize("seed", range(8))
def test_training_log_that_diverges_breaks_to_inf_or_nan_and_stays_broken(seed):
    loss, grad_norm = draw_log(seed, length=60, diverge="always")
    finite = np.isfinite(loss)
    broken = 60 if finite.all() else int(np.argmin(finite))  # past the end: still growing
    assert broken >= 30  # the blow-up starts in the second half
    infinite = np.flatnonzero(np.isinf(grad_norm))
    if broken < 60:
        assert np.isnan(loss[broken]) or loss[broken] == np.inf
        assert np.all(np.isnan(loss[broken + 1 :]))
        assert len(infinite) == 1 and infinite[0] in (broken - 1, broken)
        assert np.all(np.isnan(grad_norm[infinite[0] + 1 :]))
    else:
        assert list(infinite) in ([], [59])


def test_training_log_diverges_only_when_asked_and_maybe_is_a_coin():
    never = [np.isfinite(draw_log(s, length=40)[0]).all() for s in range(20)]
    maybe = [np.isfinite(draw_log(s, length=40, diverge="maybe")[0]).all() for s in range(20)]
    assert all(never)
    assert 0 < sum(maybe) < 20


LOG_BUNDLE = {
    "exercise.toml": """
id = "log-summary"
title = "Summarise a logged run"
runtime = "numpy"

[grading]
driver = "call"
entrypoint = "summary"
args = ["series", "norms"]
returns = ["broken", "total"]
trace = ["broken", "total"]

[tolerance]
rtol = 0.0
atol = 0.0

[[cases]]
name = "logs that blow up"
steps = 3
seed = 5
[cases.random.run]
kind = "training_log"
into = ["series", "norms"]
length = 40
spikes = 2
diverge = "always"

[[cases]]
name = "fresh logs with a plateau"
hidden = true
steps = 2
draw = { seed = true }
[cases.random.run]
kind = "training_log"
into = ["series", "norms"]
length = 30
plateau = true
""",
    "prompt.md": "Count the broken steps of a log and add up the loss of the others.\n",
    "starter.py": "def summary(series, norms):\n    return 0, 0.0\n",
    "solution.py": """
import numpy as np

def summary(series, norms):
    broken = ~(np.isfinite(series) & np.isfinite(norms))
    return int(broken.sum()), float(np.sum(series[~broken]))
""",
}


def test_call_training_logs_reach_the_program_in_the_sandbox(pool):
    bundle = Bundle.from_files(LOG_BUNDLE)
    assert grade(bundle, LOG_BUNDLE["solution.py"], pool=pool).verdict == "passed"
    loss_only = LOG_BUNDLE["solution.py"].replace(" & np.isfinite(norms)", "")
    result = grade(bundle, loss_only, pool=pool, visible_only=True)
    assert result.verdict == "failed" and not result.cases[0].passed


# -- torch_optimizer -------------------------------------------------------------------
def test_torch_optimizer_reference_and_torch_optim_adamw_pass(torch_adamw, pool):
    for source in (torch_adamw.solution, torch_adamw.agreements[0].source):
        result = grade(torch_adamw, source, pool=pool)
        assert result.verdict == "passed", result.message
    assert [a.id for a in torch_adamw.agreements] == ["torch_optim"]


@pytest.mark.parametrize("mistake", mistakes("torch-adamw"))
def test_torch_optimizer_each_mistake_fails_and_is_named(torch_adamw, pool, mistake):
    result = grade(torch_adamw, read("torch-adamw", f"mistakes/{mistake}.py"), pool=pool)
    assert result.verdict == "failed"
    assert [d["mistake"] for d in result.diagnoses] == [mistake]


RENAMED_BUFFER = read("torch-adamw", "solution.py").replace('"exp_avg"', '"m"')
FLOAT32 = read("torch-adamw", "solution.py").replace(
    '                state["step"] += 1\n',
    '                state["step"] += 1\n                p.data = p.data.float()\n',
)


@pytest.mark.parametrize(
    "program, words",
    [
        (
            read("torch-adamw", "starter.py"),
            "optimizer.state[p] has no 'exp_avg' for parameter 0.weight",
        ),
        (RENAMED_BUFFER, "no 'exp_avg' for parameter 0.weight after step 1"),
        (FLOAT32, "parameter 0.weight has dtype torch.float32; expected torch.float64"),
        (
            "def AdamW(params, **hyper):\n    return None\n",
            "AdamW must be a class derived from torch.optim.Optimizer",
        ),
    ],
)
def test_torch_optimizer_contract_violations_name_what_is_wrong(torch_adamw, pool, program, words):
    result = grade(torch_adamw, program, pool=pool, visible_only=True)
    assert failed_with(result, words), [c.error for c in result.cases]


def fake_torch(gpu: bool):
    return types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: gpu))


def test_torch_device_is_cpu_unless_a_gpu_is_asked_for(monkeypatch):
    monkeypatch.setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # set on "cuda": keep it local
    without, with_gpu = fake_torch(False), fake_torch(True)
    assert resolve_device(without, {}, {}) == "cpu"
    assert resolve_device(without, {"device": "auto"}, {}) == "cpu"
    assert resolve_device(with_gpu, {"device": "auto"}, {}) == "cuda"
    assert resolve_device(with_gpu, {"device": "cpu"}, {"device": "cuda"}) == "cpu"
    assert resolve_device(with_gpu, {}, {"device": "cuda"}) == "cuda"
    with pytest.raises(RuntimeError, match="asks for device = 'cuda' and the sandbox has no GPU"):
        resolve_device(without, {}, {"device": "cuda"})


# -- torch_train_step -----------------------------------------------------------------
TRAIN_STEP_OTHER_WAY = """
import torch

def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
    x, y = batch
    for group in optimizer.param_groups:
        group["lr"] = lr
    model.zero_grad(set_to_none=False)
    loss = loss_fn(model(x), y)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(list(model.parameters()), max_norm,
                                          error_if_nonfinite=True)
    optimizer.step()
    return loss.detach(), norm
"""


@pytest.mark.parametrize(
    "program",
    ["solution", TRAIN_STEP_OTHER_WAY],
    ids=["reference", "tensors-returned-lr-set-first"],
)
def test_train_step_correct_programs_pass(train_step, pool, program):
    source = train_step.solution if program == "solution" else program
    result = grade(train_step, source, pool=pool)
    assert result.verdict == "passed", result.message


@pytest.mark.parametrize("mistake", mistakes("train-step"))
def test_train_step_each_realistic_mistake_fails_and_is_named(train_step, pool, mistake):
    result = grade(train_step, read("train-step", f"mistakes/{mistake}.py"), pool=pool)
    assert result.verdict == "failed"
    assert [d["mistake"] for d in result.diagnoses] == [mistake]
    assert any(not c.passed for c in result.cases if not c.hidden)


def test_train_step_covers_the_five_classic_mistakes():
    assert set(mistakes("train-step")) == {
        "clip-after-step",
        "missing-zero-grad",
        "lr-after-step",
        "post-clip-norm",
        "backward-twice",
    }


@pytest.mark.parametrize(
    "body, words",
    [
        ("return 1.0", "train_step must return (loss, grad_norm); got float"),
        ("return 1.0, torch.ones(3)", "grad_norm with 3 elements"),
    ],
)
def test_train_step_contract_violations_name_what_is_wrong(train_step, pool, body, words):
    program = (
        "import torch\n\n"
        f"def train_step(model, optimizer, batch, loss_fn, lr, max_norm):\n    {body}\n"
    )
    result = grade(train_step, program, pool=pool, visible_only=True)
    assert failed_with(result, words), [c.error for c in result.cases]


def test_torch_reference_traces_are_identical_on_a_second_run(train_step, torch_adamw, pool):
    for bundle in (train_step, torch_adamw):
        cases = [materialise(case, random.Random(0)) for case in bundle.cases]
        first = run_program(bundle, bundle.solution, cases, pool=pool)
        second = run_program(bundle, bundle.solution, cases, pool=pool)
        assert first.traces == second.traces and all(first.traces)
        assert first.errors == [None] * len(cases)


# -- torch_train_step with micro-batches ---------------------------------------------
ACCUMULATE = """
import torch

def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    total = sum(len(x) for x, _ in micro_batches)
    mean_loss = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x), y)
        (loss * (len(x) / total)).backward()
        mean_loss += loss.item() * len(x) / total
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                          error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    optimizer.zero_grad()
    return mean_loss, norm
"""
WHOLE_BATCH = """
import torch

def train_step(model, optimizer, micro_batches, loss_fn, lr, max_norm):
    x = torch.cat([x for x, _ in micro_batches])
    y = torch.cat([y for _, y in micro_batches])
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm,
                                          error_if_nonfinite=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return loss.item(), norm.item()
"""
UNSCALED = ACCUMULATE.replace("(loss * (len(x) / total)).backward()", "loss.backward()")


@pytest.fixture(scope="module")
def micro(train_step):
    """The train-step bundle in micro-batches: 4 equal parts, and 3 + 5 rows in case 2."""
    files = with_toml(
        train_step, 'entrypoint = "train_step"\n', 'entrypoint = "train_step"\nmicro_batches = 4\n'
    )
    text = files["exercise.toml"].replace(
        "batch_size = 8\n", "batch_size = 8\nmicro_batches = [3, 5]\n", 1
    )
    kept = {name: body for name, body in files.items() if not name.startswith("mistakes/")}
    return Bundle.from_files(
        {
            **kept,
            "exercise.toml": text,
            "solution.py": ACCUMULATE,
            "mistakes/no-loss-scaling.py": '"""Forgets to scale."""\nHINT = "Scale each loss."\n'
            + UNSCALED,
        }
    )


def test_train_step_micro_batches_accumulated_equal_one_whole_batch_step(micro, pool):
    assert [case.get("micro_batches") for case in micro.cases] == [None, [3, 5], None]
    for source in (ACCUMULATE, WHOLE_BATCH):
        result = grade(micro, source, pool=pool)
        assert result.verdict == "passed", result.message


def test_train_step_micro_batches_unscaled_losses_fail_and_are_named(micro, pool):
    result = grade(micro, UNSCALED, pool=pool)
    assert result.verdict == "failed"
    assert [d["mistake"] for d in result.diagnoses] == ["no-loss-scaling"]


def test_micro_batch_sizes_split_equally_or_as_listed():
    assert micro_batch_sizes({"batch_size": 16}, {}) is None
    assert micro_batch_sizes({"batch_size": 16}, {"micro_batches": 4}) == [4, 4, 4, 4]
    assert micro_batch_sizes({"batch_size": 16, "micro_batches": 1}, {"micro_batches": 4}) == [16]
    listed = {"batch_size": 16, "micro_batches": [6, 6, 4]}
    assert micro_batch_sizes(listed, {"micro_batches": 4}) == [6, 6, 4]
    # Like the data set, a batch larger than the data is all of it (64 rows unless data.n).
    larger = {"batch_size": 100, "data": {"n": 12}}
    assert micro_batch_sizes(larger, {"micro_batches": 3}) == [4, 4, 4]
    assert micro_batch_sizes({}, {"micro_batches": 8}) == [8] * 8


@pytest.mark.parametrize(
    "case, words",
    [
        ({"batch_size": 16, "micro_batches": 4}, "needs micro_batches in [grading]"),
        ({"batch_size": 16, "micro_batches": 3}, "does not cut a batch of 16 rows"),
        ({"batch_size": 16, "micro_batches": 32}, "does not cut a batch of 16 rows"),
        ({"batch_size": 16, "micro_batches": [6, 6]}, "add up to 12, not the batch of 16"),
        ({"batch_size": 16, "micro_batches": [8, 0, 8]}, "a list of positive sizes"),
        ({"batch_size": 16, "micro_batches": "4"}, "a list of positive sizes"),
    ],
)
def test_micro_batch_sizes_refuse_a_split_that_does_not_fit(case, words):
    spec = {} if words.startswith("needs") else {"micro_batches": 4}
    with pytest.raises(ValueError, match=re.escape(words)):
        micro_batch_sizes(case, spec)


@pytest.fixture
def torch_in_process():
    """torch in this process, for the driver called directly; its global switch put back."""
    import torch

    before = torch.are_deterministic_algorithms_enabled()
    yield torch
    torch.use_deterministic_algorithms(before)


def test_micro_batches_are_the_step_batch_cut_in_order(torch_in_process):
    torch = torch_in_process
    case = {
        "model": {"kind": "mlp", "sizes": [3, 4, 2]},
        "seed": 3,
        "batch_size": 8,
        "steps": 2,
        "hyper": {"lr": 0.1, "max_norm": 1.0},
    }
    spec = {"entrypoint": "train_step", "trace": ["loss"]}
    received = {"whole": [], "parts": []}

    def keep(into):
        def train_step(model, optimizer, batch, loss_fn, lr, max_norm):
            received[into].append(batch)
            return 0.0, 0.0

        return train_step

    torch_train_step(keep("whole"), case, spec, [])
    parts_case, parts_spec = {**case, "micro_batches": [3, 5]}, {**spec, "micro_batches": 2}
    torch_train_step(keep("parts"), parts_case, parts_spec, [])

    for (x, y), parts in zip(received["whole"], received["parts"], strict=True):
        assert isinstance(parts, list) and [len(px) for px, _ in parts] == [3, 5]
        assert torch.equal(torch.cat([px for px, _ in parts]), x)
        assert torch.equal(torch.cat([py for _, py in parts]), y)


# -- load-time checks of the new keys -------------------------------------------------
def with_toml(bundle: Bundle, old: str, new: str) -> dict:
    text = bundle.files["exercise.toml"]
    assert old in text
    return {**bundle.files, "exercise.toml": text.replace(old, new, 1)}


@pytest.mark.parametrize(
    "bundle_name, old, new, words",
    [
        (
            "clip",
            'trace = ["clipped", "total_norm", "raised"]',
            'trace = ["clipped", "total_norm"]',
            'trace must include "raised"',
        ),
        (
            "clip",
            ', raises = "ValueError" },\n  { grads = [[inf',
            " },\n  { grads = [[inf",
            "either every call of a case declares raises or none does",
        ),
        ("clip", 'raises = "ValueError" }', 'raises = "NoSuchError" }', "not a built-in exception"),
        ("clip", "args = { max_norm = 1.0 }", "args = {}", "no value for argument(s) ['max_norm']"),
        (
            "clip",
            'returns = ["clipped", "total_norm"]',
            'returns = ["clipped"]',
            "trace names ['total_norm'] are neither in 'returns'",
        ),
        (
            "clip",
            "random = { grads = { shapes = [[3, 4], [5]], scale = 10.0 } }",
            'random = { log = { kind = "training_log", into = ["grads", "norms"] } }',
            "into must name two arguments of ['grads', 'max_norm']",
        ),
        (
            "clip",
            "random = { grads = { shapes = [[3, 4], [5]], scale = 10.0 } }",
            'random = { log = { kind = "training_log", diverge = "sometimes" } }',
            "random.log (a training log): diverge must be one of",
        ),
        (
            "clip",
            "random = { grads = { shapes = [[3, 4], [5]], scale = 10.0 } }",
            'random = { log = { kind = "training_log", length = 20, spikes = 20 } }',
            "spikes must be a whole number from 0 to length - 1",
        ),
        (
            "clip",
            "random = { grads = { shapes = [[3, 4], [5]], scale = 10.0 } }",
            'random = { log = { kind = "training_log", spike = 3 } }',
            "unknown keys ['spike']",
        ),
        (
            "clip",
            "random = { grads = { shapes = [[3, 4], [5]], scale = 10.0 } }",
            'random = { log = { kind = "training_log", length = 100000 } }',
            "length must be a whole number from 2 to 65536",
        ),
        ("torch_adamw", 'runtime = "torch"', 'runtime = "numpy"', 'needs runtime = "torch"'),
        ("torch_adamw", "sizes = [4, 8, 3] }", "sizes = [4] }", "positive sizes"),
        (
            "train_step",
            "lr = [0.01, 0.02, 0.03, 0.02, 0.01]",
            "lr = [0.01, 0.02, 0.03, 0.02]",
            "hyper.lr lists 4 rates for 5 steps",
        ),
        ("train_step", ", max_norm = 100.0 }", " }", "hyper.max_norm is needed"),
        ("train_step", 'kind = "sgd", momentum = 0.9', 'kind = "rmsprop"', "kind is one of"),
        (
            "train_step",
            'entrypoint = "train_step"\n',
            'entrypoint = "train_step"\nmicro_batches = 0\n',
            "micro_batches must be a positive integer",
        ),
        (
            "train_step",
            "batch_size = 8\n",
            "batch_size = 8\nmicro_batches = 2\n",
            "needs micro_batches in [grading]",
        ),
        (
            "torch_adamw",
            'entry_kind = "class"\n',
            'entry_kind = "class"\nmicro_batches = 2\n',
            "micro_batches is a key of the torch_train_step driver",
        ),
        ("micro", "micro_batches = [3, 5]", "micro_batches = [3, 4]", "add up to 7, not the batch"),
        ("micro", "micro_batches = 4\n", "micro_batches = 3\n", "does not cut a batch of 16 rows"),
    ],
)
def test_bundles_with_broken_driver_keys_are_rejected_when_loaded(
    request, bundle_name, old, new, words
):
    bundle = request.getfixturevalue(bundle_name)
    with pytest.raises(BundleError) as caught:
        Bundle.from_files(with_toml(bundle, old, new))
    assert words in str(caught.value) and "exercise.toml" in str(caught.value)


@pytest.mark.parametrize(
    "old, new, words",
    [
        ('quantity = "total_norm"', 'quantity = "norm"', "quantity 'norm' is not traced"),
        ("step = 1\n", "step = 2\n", "step 2 is outside 1..1"),
        ("decimals = 6", "decimals = -1", "decimals must be between 0 and 15"),
    ],
)
def test_figures_with_broken_keys_are_rejected_when_loaded(clip, old, new, words):
    with pytest.raises(BundleError, match=r"\[\[figures\]\] #1") as caught:
        Bundle.from_files(with_toml(clip, old, new))
    assert words in str(caught.value)


def test_agreement_programs_and_figures_are_loaded(clip, torch_adamw):
    assert clip.figures[0]["expected"] == [13.0] and clip.figures[0]["case"]["steps"] == 1
    program = torch_adamw.agreements[0]
    assert program.path == "agreement/torch_optim.py" and "torch.optim.AdamW" in program.source
    with pytest.raises(BundleError, match="agreement/broken.py: syntax error on line 1"):
        Bundle.from_files({**torch_adamw.files, "agreement/broken.py": "def (:\n"})
