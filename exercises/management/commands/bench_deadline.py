"""A class at a deadline, against a running TraceLab: N students submit at the same moment.

    ./tracelab run                                   # in another terminal
    ./tracelab manage bench_deadline                 # 200 students
    ./tracelab manage bench_deadline --students 500

`./tracelab manage` runs this with the server's own settings (secret key, database,
Redis), which it needs: the students are created in the server's database and logged
in by writing their sessions there, so the benchmark does not spend minutes on
password hashing before it starts.

Each student first opens the exercise page (as a browser would, which also sets the
CSRF cookie). Then all of them press Submit at once: each posts an AdamW program to
the JSON API and follows its result as the exercise page does: with `--follow push`
(the default) on the submission's event stream, which the server keeps open and
writes each change of state to; with `--follow poll` as the page's fallback does, by
asking for the result fragment and waiting as long as the server's answer says before
asking again. Half the class sends the reference, half a known mistake. Meanwhile a
few other students (`--browsing`) keep opening ordinary pages (the home page, a
lesson, the exercise, their progress), about one a second each: the web tier's
answer times for them are what everyone else sees during the burst.

Printed: click -> verdict seen (p50, p95, max), gradings per second end to end, HTTP
requests per verdict (besides the push streams), the most push streams held open at
once, ordinary pages' answer times during the burst, lost submissions, where the time
went (from the rows' own timestamps) and the CPU seconds each part of the service
used. Not a test: it prints figures and leaves judging them to the reader.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from coursesite import process_cpu
from exercises.management.bench_support import LoggedIn, logged_in_students, percentile
from exercises.models import Exercise, Lesson, Submission

BANK = Path(settings.BASE_DIR) / "exercises" / "bank"
USER_PREFIX = "deadline-"
BROWSING_PREFIX = "browsing-"
# What exercise.js does when the server gives no hint.
DEFAULT_POLL_MS = 400


@dataclass
class Student:
    username: str
    session_key: str
    code: str
    clicked: float = 0.0  # wall clock, comparable with the rows' timestamps
    seen: float | None = None
    submission_id: int | None = None
    requests: int = 0
    events: int = 0
    errors: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = "N students submit at the same moment and follow their results as the page does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--students", type=int, default=200)
        parser.add_argument("--exercise", default="adamw")
        parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait")
        parser.add_argument(
            "--follow",
            choices=["push", "poll"],
            default="push",
            help="how each student learns of its verdict: the event stream, or polling",
        )
        parser.add_argument(
            "--browsing",
            type=int,
            default=10,
            help="other students opening ordinary pages during the burst, one a second each",
        )

    def handle(self, *args, **options) -> None:
        try:
            import aiohttp  # noqa: F401
        except ImportError:
            raise CommandError("bench_deadline needs aiohttp (in requirements.txt)") from None
        slug = options["exercise"]
        if not Exercise.objects.filter(slug=slug, current_version__isnull=False).exists():
            raise CommandError(f"exercise {slug!r} is not published on this database")
        students = self._students(options["students"], slug)
        self._follow = options["follow"]
        browsers = logged_in_students(BROWSING_PREFIX, options["browsing"])
        lesson = Lesson.objects.filter(active=True).values_list("slug", flat=True)
        self._pages = ["/", f"/exercises/{slug}/", "/me/progress/"] + [
            f"/lessons/{first}/" for first in lesson[:1]
        ]
        self._page_times: dict[str, list[float]] = {path: [] for path in self._pages}
        self._page_errors: list[str] = []
        self._streams_open = self._streams_most = 0
        # Its own thread and event loop: the caller may already run one (a test process).
        with ThreadPoolExecutor(max_workers=1) as runner:
            runner.submit(
                asyncio.run,
                self._run(options["url"], slug, students, browsers, options["timeout"]),
            ).result()
        elapsed = time.time() - self._started
        cpu = process_cpu.cpu_by_part(self._cpu_before, process_cpu.snapshot())
        whole = process_cpu.machine_busy_seconds() - self._machine_before
        # Processes that ended during the run and were reaped outside the service (a
        # retired sandbox's jobs, for one) are only in the machine's total.
        cpu["(not attributed)"] = max(0.0, whole - sum(cpu.values()))
        cpu["(whole machine)"] = whole
        self._report(students, elapsed, cpu)

    # -- setting up the class -----------------------------------------------------------

    def _students(self, count: int, slug: str) -> list[Student]:
        """`count` logged-in students, half sending the reference and half a known mistake."""
        right = (BANK / slug / "solution.py").read_text()
        wrong = [p.read_text() for p in sorted((BANK / slug / "mistakes").glob("*.py"))] or [right]
        codes = [right if i % 2 == 0 else wrong[(i // 2) % len(wrong)] for i in range(count)]
        return [
            Student(s.username, s.session_key, code)
            for s, code in zip(logged_in_students(USER_PREFIX, count), codes, strict=True)
        ]

    # -- the class at the deadline --------------------------------------------------------

    async def _run(
        self,
        url: str,
        slug: str,
        students: list[Student],
        browsers: list[LoggedIn],
        timeout: float,
    ) -> None:
        import aiohttp

        base = url.rstrip("/")
        go = asyncio.Event()
        ready = asyncio.Semaphore(0)
        connector = aiohttp.TCPConnector(limit=0)
        timeouts = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(connector=connector, timeout=timeouts) as shared:

            def session_for(session_key: str, timeout=timeouts):
                jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
                jar.update_cookies({settings.SESSION_COOKIE_NAME: session_key})
                return aiohttp.ClientSession(
                    connector=shared.connector,
                    connector_owner=False,
                    cookie_jar=jar,
                    timeout=timeout,
                    headers={"Referer": base + "/"},
                )

            async def student_run(student: Student) -> None:
                # A push stream stays open for as long as the grading takes.
                stream_timeouts = aiohttp.ClientTimeout(total=timeout + 60)
                async with session_for(student.session_key, stream_timeouts) as http:
                    jar = http.cookie_jar
                    async with http.get(f"{base}/exercises/{slug}/") as page:
                        await page.read()
                        if page.status != 200:
                            student.errors.append(f"exercise page answered {page.status}")
                    csrf = next((c.value for c in jar if c.key == "csrftoken"), "")
                    ready.release()
                    await go.wait()
                    student.clicked = time.time()
                    await self._submit_and_follow(http, base, slug, student, csrf, timeout)

            async def browse(browser: LoggedIn, finished: asyncio.Event) -> None:
                async with session_for(browser.session_key) as http:
                    await go.wait()
                    turn = 0
                    while not finished.is_set():
                        path = self._pages[turn % len(self._pages)]
                        turn += 1
                        started = time.monotonic()
                        try:
                            async with http.get(base + path) as page:
                                await page.read()
                                if page.status == 200:
                                    elapsed = time.monotonic() - started
                                    self._page_times[path].append(elapsed)
                                else:
                                    self._page_errors.append(f"{path} answered {page.status}")
                        except (TimeoutError, OSError, aiohttp.ClientError) as exc:
                            self._page_errors.append(f"{path} failed: {exc!r}")
                        try:
                            await asyncio.wait_for(finished.wait(), 1.0)
                        except TimeoutError:
                            pass

            tasks = [asyncio.create_task(student_run(s)) for s in students]
            finished = asyncio.Event()
            browsing = [asyncio.create_task(browse(b, finished)) for b in browsers]
            for _ in students:
                await ready.acquire()
            # Measured from here: every student has the page open and is about to click.
            self._cpu_before = process_cpu.snapshot()
            self._machine_before = process_cpu.machine_busy_seconds()
            self._started = time.time()
            go.set()
            await asyncio.gather(*tasks, return_exceptions=False)
            finished.set()
            await asyncio.gather(*browsing)

    async def _submit_and_follow(self, http, base, slug, student, csrf, timeout) -> None:
        import aiohttp

        student.requests += 1
        async with http.post(
            f"{base}/api/exercises/{slug}/submissions",
            json={"code": student.code, "mode": "submit"},
            headers={"X-CSRFToken": csrf, "Accept": "application/json"},
        ) as response:
            body = await response.json(content_type=None)
            if response.status != 202:
                student.errors.append(f"submit answered {response.status}: {body}")
                return
        student.submission_id = body["id"]
        if self._follow == "push":
            await self._follow_stream(http, base + body["events_url"], student)
            return
        fragment = base + body["fragment_url"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            student.requests += 1
            wait_ms = DEFAULT_POLL_MS
            try:
                async with http.get(fragment, headers={"Accept": "application/json"}) as reply:
                    if reply.status == 200:
                        data = await reply.json(content_type=None)
                        if data.get("done"):
                            student.seen = time.time()
                            return
                        wait_ms = data.get("poll_after_ms", DEFAULT_POLL_MS)
                    else:
                        await reply.read()
                        student.errors.append(f"fragment answered {reply.status}")
            except (TimeoutError, OSError, aiohttp.ClientError) as exc:
                student.errors.append(f"fragment request failed: {exc!r}")
            await asyncio.sleep(wait_ms / 1000)
        student.errors.append("no verdict before the timeout")

    async def _follow_stream(self, http, url: str, student: Student) -> None:
        """Read the submission's event stream until an event says it is done."""
        import aiohttp

        self._streams_open += 1
        self._streams_most = max(self._streams_most, self._streams_open)
        try:
            async with http.get(url, headers={"Accept": "text/event-stream"}) as stream:
                if stream.status != 200:
                    student.errors.append(f"event stream answered {stream.status}")
                    return
                async for line in stream.content:
                    if not line.startswith(b"data:"):
                        continue
                    student.events += 1
                    if json.loads(line[5:]).get("done"):
                        student.seen = time.time()
                        return
            student.errors.append("the event stream ended before the verdict")
        except (TimeoutError, OSError, ValueError, aiohttp.ClientError) as exc:
            student.errors.append(f"event stream failed: {exc!r}")
        finally:
            self._streams_open -= 1

    # -- the report ---------------------------------------------------------------------

    def _report(self, students: list[Student], elapsed: float, cpu: dict[str, float]) -> None:
        write = self.stdout.write
        seen = [s for s in students if s.seen is not None]
        ids = [s.submission_id for s in students if s.submission_id is not None]
        rows = list(
            Submission.objects.filter(pk__in=ids).values(
                "id", "status", "created_at", "started_at", "finished_at", "verdict"
            )
        )
        by_id = {row["id"]: row for row in rows}
        done = [r for r in rows if r["status"] == Submission.Status.DONE]
        lost = len(students) - len(seen)
        vendor = connection.vendor
        write(
            f"machine: {platform.node()}, {os.cpu_count()} cores, "
            f"{_memory_gib():.0f} GiB, Python {platform.python_version()}, database {vendor}"
        )
        write(f"students: {len(students)}, each submitting once at the same moment")
        if not seen:
            write(f"no verdict was seen; lost = {lost}")
            for student in students[:5]:
                write(f"  {student.username}: {student.errors[:3]}")
            return
        latency = [s.seen - s.clicked for s in seen]
        first_click = min(s.clicked for s in students)
        last_seen = max(s.seen for s in seen)
        requests = sum(s.requests for s in students)
        write(
            "click -> verdict seen: "
            f"p50 {statistics.median(latency):.2f} s, p95 {percentile(latency, 0.95):.2f} s, "
            f"max {max(latency):.2f} s"
        )
        write(
            f"gradings per second end to end: {len(seen) / (last_seen - first_click):.1f} "
            f"({len(seen)} verdicts in {last_seen - first_click:.2f} s)"
        )
        write(
            f"HTTP requests per verdict besides the push streams: {requests / len(seen):.1f} "
            f"({requests} requests; following by {self._follow})"
        )
        events = sum(s.events for s in students)
        write(
            f"push streams held open at once: at most {self._streams_most}; "
            f"events pushed per verdict: {events / len(seen):.1f}"
        )
        pages = [elapsed for times in self._page_times.values() for elapsed in times]
        if pages:
            write(
                f"ordinary pages during the burst ({len(self._pages)} kinds, {len(pages)} "
                f"answered, {len(self._page_errors)} failed): "
                f"p50 {1000 * statistics.median(pages):.0f} ms, "
                f"p95 {1000 * percentile(pages, 0.95):.0f} ms, max {1000 * max(pages):.0f} ms"
            )
            for path, times in self._page_times.items():
                if times:
                    write(
                        f"  {path}: p50 {1000 * statistics.median(times):.0f} ms, "
                        f"p95 {1000 * percentile(times, 0.95):.0f} ms ({len(times)})"
                    )
        write(f"lost: {lost} (rows graded: {len(done)} of {len(ids)} accepted)")
        verdicts: dict[str, int] = {}
        for row in done:
            verdicts[row["verdict"]] = verdicts.get(row["verdict"], 0) + 1
        write(f"verdicts: {dict(sorted(verdicts.items()))}")
        if done:
            created = [r["created_at"].timestamp() for r in done]
            waited = [(r["started_at"] - r["created_at"]).total_seconds() for r in done]
            graded = [(r["finished_at"] - r["started_at"]).total_seconds() for r in done]
            finished = [r["finished_at"].timestamp() for r in done]
            finished_by_id = {
                submission_id: row["finished_at"].timestamp()
                for submission_id, row in by_id.items()
                if row["finished_at"]
            }
            lag = [
                s.seen - finished_by_id[s.submission_id]
                for s in seen
                if s.submission_id in finished_by_id
            ]
            write("where the time went (from the rows' timestamps):")
            write(
                f"  accepted: all {len(done)} within {max(created) - first_click:.2f} s "
                "of the first click"
            )
            write(
                f"  queued -> claimed: p50 {statistics.median(waited):.2f} s, "
                f"p95 {percentile(waited, 0.95):.2f} s"
            )
            write(
                f"  claimed -> stored (grading): p50 {1000 * statistics.median(graded):.0f} ms, "
                f"p95 {1000 * percentile(graded, 0.95):.0f} ms"
            )
            span = max(finished) - min(created)
            write(f"  first accepted -> last stored: {span:.2f} s ({len(done) / span:.1f}/s)")
            if lag:
                write(
                    f"  stored -> seen by the page: p50 {1000 * statistics.median(lag):.0f} ms, "
                    f"p95 {1000 * percentile(lag, 0.95):.0f} ms"
                )
        write(f"CPU seconds by part over {elapsed:.1f} s (of {elapsed * os.cpu_count():.1f}):")
        for part, seconds in cpu.items():
            write(
                f"  {part:15s} {seconds:6.2f} s  ({1000 * seconds / len(seen):.1f} ms per verdict)"
            )
        failed = [s for s in students if s.errors]
        if failed:
            example = failed[0]
            write(f"{len(failed)} saw errors, e.g. {example.username}: {example.errors[:2]}")


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo") as meminfo:
            return int(meminfo.readline().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        return 0.0
