from pathlib import Path

import pytest

from grader import SandboxPool, load_bundle

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank"


@pytest.fixture(scope="session")
def pool():
    pool = SandboxPool()
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def adamw():
    return load_bundle(BANK / "adamw")
