"""One student in a real browser against a running TraceLab: Submit -> verdict on the page.

    ./tracelab run                                   # in another terminal
    ./tracelab manage bench_browser [--runs 40]

Headless Chromium (Playwright, Debian's /usr/bin/chromium or TRACELAB_CHROMIUM) opens
the exercise page with the reference already in the editor and presses Submit, again
and again. Each figure is taken inside the page: from the click to the first frame
drawn after the verdict banner entered the result box, so it counts everything a
student waits for (the request, the queue, the grading, the news reaching the page,
the rendering) and nothing of the benchmark's own driving.

The per-minute submission limit applies to benchmark students too, so a fresh student
takes over every few submissions. Printed: p50/p95/max over the runs and the HTTP
requests the page made per verdict, by kind. Not a test: it prints figures.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.management.bench_support import logged_in_students, percentile
from exercises.models import Exercise

BANK = Path(settings.BASE_DIR) / "exercises" / "bank"
USER_PREFIX = "browser-bench-"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Clicks Submit and resolves with the milliseconds until a frame showing the verdict.
CLICK_TO_VERDICT = """
() => new Promise((resolve, reject) => {
  const box = document.getElementById("result");
  const button = document.getElementById("submit-btn");
  const timer = setTimeout(() => reject(new Error("no verdict within 60 s")), 60000);
  let started = 0;
  const observer = new MutationObserver(() => {
    if (!box.querySelector(".verdict-banner")) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
  observer.observe(box, { childList: true, subtree: true });
  started = performance.now();
  button.click();
})
"""


def _kind(url: str) -> str:
    path = urlsplit(url).path
    if path.endswith("/events"):
        return "push stream"
    if path.startswith("/api/exercises/"):
        return "submit"
    if path.endswith("/fragment"):
        return "poll"
    return "other"


class Command(BaseCommand):
    help = "Click Submit -> verdict visible, in headless Chromium against a running server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--runs", type=int, default=40)
        parser.add_argument("--exercise", default="adamw")
        parser.add_argument(
            "--per-student",
            type=int,
            default=max(1, settings.TRACELAB_SUBMISSIONS_PER_MINUTE - 2),
            help="submissions before a fresh student takes over (the per-minute limit)",
        )

    def handle(self, *args, **options) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise CommandError("bench_browser needs playwright (requirements-dev.txt)") from None
        slug = options["exercise"]
        if not Exercise.objects.filter(slug=slug, current_version__isnull=False).exists():
            raise CommandError(f"exercise {slug!r} is not published on this database")
        runs, per_student = options["runs"], options["per_student"]
        # Each student's first submission warms its page up and is not counted.
        students = logged_in_students(USER_PREFIX, -(-runs // per_student))
        code = (BANK / slug / "solution.py").read_text()
        base = options["url"].rstrip("/")
        host = urlsplit(base).hostname
        chromium = os.environ.get("TRACELAB_CHROMIUM", "/usr/bin/chromium")

        timings: list[float] = []
        requests: dict[str, int] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for student in students:
                    context = browser.new_context()
                    context.add_cookies(
                        [
                            {
                                "name": settings.SESSION_COOKIE_NAME,
                                "value": student.session_key,
                                "domain": host,
                                "path": "/",
                            }
                        ]
                    )
                    page = context.new_page()
                    page.goto(f"{base}/exercises/{slug}/")
                    _type_code(page, code)
                    counting = False

                    def count(request, counting_now=lambda: counting) -> None:
                        if counting_now():
                            kind = _kind(request.url)
                            requests[kind] = requests.get(kind, 0) + 1

                    page.on("request", count)
                    for i in range(min(per_student, runs - len(timings)) + 1):
                        counting = i > 0
                        page.wait_for_selector("#submit-btn:enabled")
                        elapsed = page.evaluate(CLICK_TO_VERDICT)
                        if i > 0:
                            timings.append(elapsed)
                        time.sleep(0.05)
                    context.close()
            finally:
                browser.close()
        self._report(timings, requests)

    def _report(self, timings: list[float], requests: dict[str, int]) -> None:
        write = self.stdout.write
        write(f"submissions: {len(timings)} (one student in headless Chromium, one at a time)")
        write(
            "click -> verdict visible: "
            f"p50 {statistics.median(timings):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms, "
            f"max {max(timings):.0f} ms"
        )
        counted = {kind: n for kind, n in sorted(requests.items()) if kind != "other"}
        total = sum(n for kind, n in counted.items() if kind != "push stream")
        detail = ", ".join(f"{kind} {n / len(timings):.1f}" for kind, n in counted.items())
        write(
            f"HTTP requests per verdict besides the push stream: {total / len(timings):.1f} "
            f"({detail})"
        )


def _type_code(page, code: str) -> None:
    """Into CodeMirror as a person pastes: select all, then insert the text."""
    page.locator(".tl-editor .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
