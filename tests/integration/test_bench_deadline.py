"""The deadline benchmark runs against the real web server and worker and reports what it
saw: pushed verdicts by default, polled ones as the page's fallback."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from exercises.models import Submission

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("follow", ["push", "poll"])
def test_bench_deadline_follows_every_submission_to_its_verdict(
    asgi_web_server, celery_worker, follow
):
    call_command("sync_bank", verbosity=0)
    out = io.StringIO()

    call_command(
        "bench_deadline",
        "--url",
        asgi_web_server.url,
        "--students",
        "6",
        "--browsing",
        "2",
        "--follow",
        follow,
        stdout=out,
    )

    report = out.getvalue()
    assert "students: 6" in report
    assert re.search(r"^lost: 0 \(rows graded: 6 of 6 accepted\)$", report, re.M), report
    assert "verdicts: {'failed': 3, 'passed': 3}" in report
    assert re.search(r"click -> verdict seen: p50 [\d.]+ s", report)
    requests = re.search(r"HTTP requests per verdict besides the push streams: ([\d.]+)", report)
    streams = re.search(r"push streams held open at once: at most (\d+)", report)
    if follow == "push":
        # The submission itself, and nothing else: the verdict came on the stream.
        assert float(requests.group(1)) == 1.0
        assert 1 <= int(streams.group(1)) <= 6
    else:
        assert float(requests.group(1)) > 1.0
        assert int(streams.group(1)) == 0
    assert re.search(r"ordinary pages during the burst \(4 kinds, \d+ answered", report)
    assert "worker" in report.split("CPU seconds by part")[1]
    assert Submission.objects.filter(user__username__startswith="deadline-").count() == 6
