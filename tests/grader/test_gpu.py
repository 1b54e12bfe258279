"""Torch exercises on CUDA, inside the sandbox. Skipped on machines without a GPU."""

from pathlib import Path

import pytest

from grader import Bundle, SandboxPool, grade, load_bundle
from grader._grade import device_for, gpu_available

DATA = Path(__file__).resolve().parent / "data"


def gpu_bundle(name: str) -> Bundle:
    files = load_bundle(DATA / name).files
    toml = files["exercise.toml"].replace('device = "cpu"', 'device = "any"')
    return Bundle.from_files({**files, "exercise.toml": toml})


def test_cuda_tolerance_applies_only_on_cuda():
    files = load_bundle(DATA / "torch-adamw").files
    toml = files["exercise.toml"].replace("[tolerance]", "[tolerance]\ncuda = { rtol = 1e-5 }")
    bundle = Bundle.from_files({**files, "exercise.toml": toml})
    assert bundle.tolerance("cuda")[0] == 1e-5
    assert bundle.tolerance("cpu")[0] == bundle.rtol


def test_only_torch_exercises_that_allow_it_go_to_the_gpu(adamw):
    gpu_pool = SandboxPool(gpu=True, size=0)
    assert device_for(gpu_bundle("torch-adamw"), gpu_pool) == "cuda"
    assert device_for(load_bundle(DATA / "torch-adamw"), gpu_pool) == "cpu"  # device = "cpu"
    assert device_for(adamw, gpu_pool) == "cpu"  # numpy
    assert device_for(gpu_bundle("torch-adamw"), SandboxPool(size=0)) == "cpu"


@pytest.mark.skipif(not gpu_available(), reason="no GPU on this machine")
def test_torch_optimizer_is_graded_on_cuda_inside_the_sandbox():
    bundle = gpu_bundle("torch-adamw")
    pool = SandboxPool(gpu=True)
    try:
        probe = "import torch\nprint('cuda', torch.cuda.is_available())\n" + bundle.solution
        result = grade(bundle, probe, pool=pool, visible_only=True)
        assert result.verdict == "passed", result.message
        assert "cuda True" in result.stdout
        wrong = grade(bundle, bundle.mistakes[0].source, pool=pool)
        assert [d["mistake"] for d in wrong.diagnoses] == [bundle.mistakes[0].id]
    finally:
        pool.close()
