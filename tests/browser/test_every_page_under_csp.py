"""Every kind of page works in Chromium under the Content-Security-Policy.

A student, an instructor and an operator open each page type the site has: the
catalogue, a lesson with typeset math, a quiz and its result, the exercise page with its
code editor, a graded submission with its plots, assignments, the instructor's cohort
pages (with the quiz item bars, assignments and the gradebook), the authoring editor,
the regrade page, and the admin. Each answer carries the policy, no
`securitypolicyviolation` event fires and the console reports no CSP error. The editor
is checked to be styled, since its <style> element is the one that needs the page's
nonce.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from courses.models import Assignment, AssignmentItem
from exercises.management.commands.bench_pages import synthetic_result
from exercises.models import Exercise, Lesson, Submission
from exercises.services import cohorts
from exercises.services.submissions import submission_record_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON = "adam-and-adamw"
# Runs in every page before its own scripts; CSP does not apply to it.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`
  );
});
"""


class Watcher:
    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"console: {text}")

    def check(self, response=None) -> None:
        """The page answered with the policy and reported no violation so far."""
        if response is not None:
            policy = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in policy, (response.url, policy)
            assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        self.page.wait_for_load_state("load")
        seen = self.page.evaluate("window.__cspViolations || []")
        self.problems.extend(seen)
        self.page.evaluate("window.__cspViolations = []")
        assert self.problems == [], self.problems

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response.status)
        self.check(response)


def log_in(page, watcher: Watcher, base: str, path: str, username: str, password: str) -> None:
    watcher.visit(base + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")
    watcher.check()


def log_out(page, watcher: Watcher) -> None:
    with page.expect_navigation():
        page.click("button:has-text('Log out')")
    watcher.check()


def assert_editor_styled(page) -> None:
    page.wait_for_selector(".tl-editor .cm-content")
    # CodeMirror's base theme (in the <style> that carries the nonce) makes it a flexbox.
    assert page.evaluate("getComputedStyle(document.querySelector('.cm-editor')).display") == (
        "flex"
    )


def test_every_page_type_works_under_the_policy(browser, live_server, django_user_model):
    call_command("sync_bank", verbosity=0)
    base = live_server.url
    instructors = Group.objects.get_or_create(name=cohorts.INSTRUCTORS_GROUP)[0]
    ivy = django_user_model.objects.create_user("ivy", password="ivy-pass-12345")
    ivy.groups.add(instructors)
    sam = django_user_model.objects.create_user("sam", password="sam-pass-12345")
    django_user_model.objects.create_superuser("root", password="root-pass-12345")
    lesson = Lesson.objects.select_related("track").get(slug=LESSON)
    cohort = cohorts.cohort_create(name="Spring class", instructor=ivy, track=lesson.track)
    cohorts.cohort_join(user=sam, code=cohort.join_code)
    adamw = Exercise.objects.select_related("current_version").get(slug="adamw")
    graded = Submission.objects.create(
        user=sam,
        exercise=adamw,
        exercise_version=adamw.current_version,
        code="def adamw_step():\n    pass\n",
        status=Submission.Status.RUNNING,
    )
    submission_record_result(
        submission_id=graded.pk,
        result=synthetic_result(version=adamw.current_version, passed=False, seed=3),
    )

    assignment = Assignment.objects.create(
        cohort=cohort,
        title="Week 1",
        opens_at=timezone.now() - timedelta(days=1),
        due_at=timezone.now() + timedelta(days=2),
        late_policy=Assignment.LatePolicy.PENALTY,
        penalty_percent_per_day=10,
    )
    AssignmentItem.objects.create(assignment=assignment, exercise=adamw, points=10)
    AssignmentItem.objects.create(assignment=assignment, lesson=lesson, points=5)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    watcher = Watcher(page)

    # Anyone: the catalogue, the account pages, the admin's login.
    for path in (
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/admin/login/",
    ):
        watcher.visit(base + path)

    # A student: lesson (math), quiz and its result, the exercise (editor), a graded
    # submission (plots), history, progress, the join page.
    log_in(page, watcher, base, "/accounts/login/", "sam", "sam-pass-12345")
    watcher.visit(f"{base}/tracks/{lesson.track.slug}/")
    watcher.visit(f"{base}/lessons/{LESSON}/")
    page.wait_for_selector(".lesson-body .katex")
    watcher.check()
    watcher.visit(f"{base}/lessons/{LESSON}/quiz/")
    for fieldset in page.locator("fieldset").all():
        fieldset.locator("input[type=radio]").first.check()
    with page.expect_navigation(url=re.compile(r".*/quiz/attempts/\d+/$")):
        page.click("button:has-text('Submit answers')")
    watcher.check()
    watcher.visit(f"{base}/exercises/adamw/")
    assert_editor_styled(page)
    watcher.check()
    watcher.visit(f"{base}/submissions/{graded.pk}/")
    assert page.locator("#main svg").count() > 0  # the plots
    watcher.check()
    for path in (
        "/exercises/adamw/history/",
        "/me/progress/",
        "/cohorts/join/",
        "/assignments/",
        f"/assignments/{assignment.pk}/",
    ):
        watcher.visit(base + path)
    page.locator("time[data-localised]").first.wait_for()  # local times, by script
    log_out(page, watcher)

    # An instructor: the cohort's pages, authoring with its editors, the regrade page.
    log_in(page, watcher, base, "/accounts/login/", "ivy", "ivy-pass-12345")
    dashboard = f"{base}/instructor/cohorts/{cohort.slug}/"
    for url in (
        f"{base}/instructor/",
        dashboard,
        f"{dashboard}roster/",
        f"{dashboard}students/sam/",
        f"{dashboard}exercises/adamw/",
        f"{base}/instructor/exercises/",
        f"{base}/instructor/exercises/import/",
        f"{base}/instructor/exercises/adamw/regrade/",
        f"{dashboard}assignments/",
        f"{dashboard}assignments/new/",
        f"{dashboard}assignments/{assignment.pk}/",
        f"{dashboard}assignments/{assignment.pk}/edit/",
        f"{dashboard}gradebook/",
    ):
        watcher.visit(url)
    watcher.visit(dashboard)
    assert page.locator("svg.option-bar").count() > 0  # the quiz item bars
    watcher.visit(f"{base}/instructor/exercises/")
    with page.expect_navigation(url=re.compile(r".*/instructor/exercises/drafts/\d+/$")):
        page.click("#new-exercise")
    assert_editor_styled(page)
    page.click("text=Add a mistake")  # a new file form, its editor mounted by script
    watcher.check()
    log_out(page, watcher)

    # An operator: the admin.
    log_in(page, watcher, base, "/admin/login/", "root", "root-pass-12345")
    for path in ("/admin/", "/admin/exercises/cohort/", f"/admin/exercises/cohort/{cohort.pk}/"):
        watcher.visit(base + path)
    context.close()
