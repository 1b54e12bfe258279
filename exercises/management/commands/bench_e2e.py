"""End-to-end grading latency against a running TraceLab: HTTP submit -> verdict stored.

    ./tracelab run            # in another terminal
    TRACELAB_DEBUG=1 .venv/bin/python manage.py bench_e2e --runs 40

Submits the reference and the known mistakes of an exercise in turn, over HTTP, as
the given user, one at a time, and reads each row's stored timestamps: the figure is
`finished_at - created_at` (the request written, queued, claimed, graded, stored).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursesite.http_session import Session
from exercises.models import Submission

BANK = Path(settings.BASE_DIR) / "exercises" / "bank"


class Command(BaseCommand):
    help = "Measure HTTP submit -> verdict stored against a running server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--user", default="student")
        parser.add_argument("--password", default="student-pass-123")
        parser.add_argument("--exercise", action="append", help="slug (repeatable)")
        parser.add_argument("--runs", type=int, default=40)
        parser.add_argument(
            "--burst", type=int, default=0, help="also send N numpy submissions at once"
        )

    def handle(self, *args, **options) -> None:
        session = Session(options["url"])
        session.login(options["user"], options["password"])
        for slug in options["exercise"] or ["adamw", "torch-adamw"]:
            session.request("GET", f"/exercises/{slug}/")
            programs = [(BANK / slug / "solution.py").read_text()] + [
                path.read_text() for path in sorted((BANK / slug / "mistakes").glob("*.py"))
            ]
            ids = [self._submit(session, slug, programs[0])]  # warm-up, not counted
            ids = []
            for i in range(options["runs"]):
                ids.append(self._submit(session, slug, programs[i % len(programs)]))
            rows = Submission.objects.filter(pk__in=ids)
            ms = sorted((r.finished_at - r.created_at).total_seconds() * 1000 for r in rows)
            p50, p95 = statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
            self.stdout.write(
                f"{slug}: HTTP submit -> verdict stored over {len(ms)}: "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
            )
        if options["burst"]:
            self._burst(session, options["burst"])

    def _burst(self, session: Session, count: int) -> None:
        """Send `count` submissions without waiting, then wait until every row is graded."""
        slug = "adamw"
        session.request("GET", f"/exercises/{slug}/")
        programs = [(BANK / slug / "solution.py").read_text()] + [
            path.read_text() for path in sorted((BANK / slug / "mistakes").glob("*.py"))
        ]
        started = time.monotonic()
        ids = []
        for i in range(count):
            status, created = session.post_json(
                f"/api/exercises/{slug}/submissions", {"code": programs[i % len(programs)]}
            )
            if status != 202:
                raise CommandError(f"submit {i} failed ({status}): {created}")
            ids.append(created["id"])
        sent = time.monotonic() - started
        rows = Submission.objects.filter(pk__in=ids)
        deadline = time.monotonic() + 600
        while rows.exclude(status=Submission.Status.DONE).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        done = rows.filter(status=Submission.Status.DONE)
        verdicts = sorted(set(done.values_list("verdict", flat=True)))
        self.stdout.write(
            f"burst of {count}: sent in {sent:.1f} s, {done.count()} graded, "
            f"{count - done.count()} not graded, all done in {elapsed:.1f} s "
            f"({done.count() / elapsed:.1f} gradings/s end to end); verdicts {verdicts}"
        )

    def _submit(self, session: Session, slug: str, code: str) -> int:
        status, created = session.post_json(f"/api/exercises/{slug}/submissions", {"code": code})
        if status != 202:
            raise CommandError(f"submit failed ({status}): {created}")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            _, detail = session.get_json(f"/api/submissions/{created['id']}")
            if detail["status"] == "done":
                return created["id"]
            time.sleep(0.02)
        raise CommandError(f"submission {created['id']} was not graded in 120 s")
