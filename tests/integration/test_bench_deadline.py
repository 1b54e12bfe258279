"""The deadline benchmark runs against a real server and worker and reports what it saw."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from exercises.models import Submission

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_bench_deadline_follows_every_submission_to_its_verdict(live_server, celery_worker):
    call_command("sync_bank", verbosity=0)
    out = io.StringIO()

    call_command("bench_deadline", "--url", live_server.url, "--students", "6", stdout=out)

    report = out.getvalue()
    assert "students: 6" in report
    assert re.search(r"^lost: 0 \(rows graded: 6 of 6 accepted\)$", report, re.M), report
    assert "verdicts: {'failed': 3, 'passed': 3}" in report
    assert re.search(r"click -> verdict seen: p50 [\d.]+ s", report)
    assert re.search(r"HTTP requests per verdict: [\d.]+", report)
    assert "worker" in report.split("CPU seconds by part")[1]
    assert Submission.objects.filter(user__username__startswith="deadline-").count() == 6
