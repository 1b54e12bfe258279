"""A simulated learning platform, registered in the tool as an admin would register it,
and a Celery worker on the housekeeping queue (where grades leave for the platforms)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from lti_platform import Platform
from lti_support import register
from processes import ROOT, database_url, wait_for
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiTool


@pytest.fixture
def platform():
    """A platform whose tool's launch URL is the test client's."""
    simulated = Platform().start()
    simulated.tool_launch_url = "http://testserver/lti/launch/"
    yield simulated
    simulated.stop()


@pytest.fixture
def registration(db, platform) -> LtiTool:
    tool = register(platform)
    # What the tool publishes at /lti/jwks/, handed to the platform: an in-process site
    # has no address the platform's thread could fetch it from.
    platform.tool_jwks = Client().get("/lti/jwks/").json()
    return tool


@pytest.fixture(scope="module")
def housekeeping_worker(django_db_setup, redis_url, tmp_path_factory):
    """A real `celery worker` on the housekeeping queue, on the test database and the
    private Redis (the session's grading worker consumes cpu and gpu only). Stopped after
    the module that uses it, so it never competes with the fault tests that follow."""
    from coursesite.celery import app

    app.conf.broker_url = redis_url
    from django.conf import settings

    log = tmp_path_factory.mktemp("housekeeping") / "worker.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": redis_url,
        "TRACELAB_DEBUG": "1",
        "TRACELAB_LOG_FORMAT": "text",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "coursesite", "worker", "-Q", "housekeeping"]
            + ["--concurrency", "1", "--loglevel", "info", "--without-gossip", "--without-mingle"]
            + ["--hostname", "lti-housekeeping@%h"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    proc.log = log
    wait_for(
        lambda: "ready." in log.read_text(errors="replace"), timeout=60, what="worker", log=log
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
