"""Which uid a sandbox drops to, and the clear refusal where that uid does not exist."""

import pytest

from grader import _sandbox
from grader._sandbox import SandboxError

HOST_MAP = "         0          0 4294967295\n"
# Root of a rootless or remapped container: 65536 ids, the sandbox range not among them.
CONTAINER_MAP = "         0     100000      65536\n"


def test_every_id_is_mapped_on_the_host():
    assert _sandbox._id_mapped(HOST_MAP, _sandbox.UID_BASE)
    assert _sandbox._id_mapped(HOST_MAP, 0)


def test_ids_outside_a_containers_ranges_are_not_mapped():
    assert _sandbox._id_mapped(CONTAINER_MAP, 65535)
    assert not _sandbox._id_mapped(CONTAINER_MAP, 65536)
    assert not _sandbox._id_mapped(CONTAINER_MAP + "65536 300000 10\n", 65546)
    assert _sandbox._id_mapped(CONTAINER_MAP + "65536 300000 10\n", 65545)


def test_root_on_the_host_gets_a_uid_of_its_own(monkeypatch):
    monkeypatch.setattr(_sandbox.os, "geteuid", lambda: 0)
    monkeypatch.setattr(_sandbox, "_id_map", lambda kind: HOST_MAP)
    uid = _sandbox._sandbox_uid()
    assert uid is not None and uid >= _sandbox.UID_BASE


def test_root_without_the_sandbox_uid_mapped_is_refused_with_the_way_out(monkeypatch):
    monkeypatch.setattr(_sandbox.os, "geteuid", lambda: 0)
    monkeypatch.setattr(_sandbox, "_id_map", lambda kind: CONTAINER_MAP)
    with pytest.raises(SandboxError, match="not mapped in this user namespace.*unprivileged user"):
        _sandbox._sandbox_uid()


def test_an_unprivileged_worker_leaves_the_uid_to_bubblewrap(monkeypatch):
    monkeypatch.setattr(_sandbox.os, "geteuid", lambda: 10001)
    assert _sandbox._sandbox_uid() is None
