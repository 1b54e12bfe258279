"""An assignment's whole life in the browser, across a real due time.

An instructor (in New York) creates an assignment due a minute from now with a late
penalty; a student (in Tokyo) passes one exercise on time and one late; a second
student gets an extension and passes after the class's due time; the gradebook and its
CSV show exactly the points the policy gives. Grading is real: Redis, a Celery worker
and the sandbox.
"""

from __future__ import annotations

import re
import time
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.models import Assignment, Extension
from exercises.models import Exercise, Submission
from tests.browser.pages import log_in, replace_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Long enough for the instructor to save the form and the first student to submit.
DUE_IN = timedelta(seconds=45)


def new_page(browser, zone: str):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id=zone, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def submit_solution(page, base: str, slug: str) -> None:
    page.goto(f"{base}/exercises/{slug}/")
    page.wait_for_selector(".tl-editor .cm-content")
    replace_code(page, (BANK / slug / "solution.py").read_text(), first_line="# mine")
    page.click("#submit-btn")
    page.locator("#result .verdict-label", has_text=re.compile("Passed")).wait_for(timeout=90_000)


def ny_input(moment: datetime) -> str:
    return moment.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M:%S")


def test_deadline_late_penalty_extension_gradebook_and_csv(
    browser, live_server, celery_worker, django_user_model, tmp_path
):
    from factories import make_cohort, make_instructor

    call_command("sync_bank", verbosity=0)
    ines = make_instructor(django_user_model, "ines")
    ines.set_password("ines-pass-123")
    ines.save()
    alice = django_user_model.objects.create_user("alice", "alice@example.org", "alice-pass-123")
    bob = django_user_model.objects.create_user("bob", "bob@example.org", "bob-pass-123")
    make_cohort(ines, name="Optimizers 101", slug="opt101", students=[alice, bob])
    sgd, momentum = (Exercise.objects.get(slug=slug) for slug in ("sgd", "momentum"))
    base = live_server.url

    # The instructor, in New York, creates the assignment.
    teacher = new_page(browser, "America/New_York")
    log_in(teacher, base, "ines", "ines-pass-123")
    teacher.goto(f"{base}/instructor/cohorts/opt101/")
    teacher.click(".action-links >> text=Assignments")
    teacher.click("#new-assignment")
    # The zone starts at the browser's own.
    assert teacher.locator("select[name=time_zone]").input_value() == "America/New_York"
    due = (timezone.now() + DUE_IN).replace(microsecond=0)
    teacher.fill("input[name=title]", "Week 1: first steps")
    teacher.fill("input[name=opens_at]", ny_input(due - timedelta(hours=1)))
    teacher.fill("input[name=due_at]", ny_input(due))
    teacher.check("input[name=late_policy][value=penalty]")
    teacher.fill("input[name=penalty_percent_per_day]", "10")
    teacher.fill("input[name=penalty_cap_percent]", "50")
    teacher.fill(f"input[name=exercise_{sgd.pk}_points]", "10")
    teacher.fill(f"input[name=exercise_{momentum.pk}_points]", "20")
    teacher.click("text=Save assignment")
    teacher.wait_for_url(re.compile(r"/assignments/\d+/$"))
    assignment = Assignment.objects.get()
    assert (assignment.due_at, assignment.time_zone) == (due, "America/New_York")

    # Alice, in Tokyo, sees it due soon, in her own time, and passes SGD on time.
    student = new_page(browser, "Asia/Tokyo")
    log_in(student, base, "alice", "alice-pass-123")
    student.goto(base + "/")
    panel = student.locator(".due-panel")
    assert "Week 1: first steps" in panel.inner_text()
    assert re.search(
        r"due in \d+ (seconds?|minutes?)|due in less than a minute", panel.inner_text()
    )
    assert "(Asia/Tokyo)" in panel.locator("time").first.inner_text()
    submit_solution(student, base, "sgd")
    on_time = Submission.objects.get(user=alice, exercise=sgd)
    assert on_time.created_at <= due

    # Bob gets two more days, through the assignment's page.
    teacher.goto(f"{base}/instructor/cohorts/opt101/assignments/{assignment.pk}/")
    teacher.select_option("select[name=student]", "bob")
    teacher.fill("#extension-form input[name=due_at]", ny_input(due + timedelta(days=2)))
    teacher.fill("#extension-form input[name=reason]", "conference travel")
    teacher.click("text=Grant extension")
    teacher.locator(".extension-list li[data-student=bob]").wait_for()
    assert Extension.objects.get().user == bob

    # The due time passes.
    time.sleep(max(0.0, (due - timezone.now()).total_seconds() + 1))

    # Alice's momentum is late: it is accepted, with a day's penalty.
    student.goto(f"{base}/exercises/momentum/")
    assert "past due" in student.locator(".assignment-note").inner_text()
    submit_solution(student, base, "momentum")
    student.goto(f"{base}/assignments/{assignment.pk}/")
    student.locator("time[data-localised]").first.wait_for()
    assert "1 day late" in student.locator(".assignment-items").inner_text()
    assert student.locator(".total-points strong").inner_text() == "28"

    # Bob, after the class's due time but within his extension: on time.
    bobs = new_page(browser, "Europe/Berlin")
    log_in(bobs, base, "bob", "bob-pass-123")
    submit_solution(bobs, base, "sgd")
    assert Submission.objects.get(user=bob).created_at > due

    # The gradebook and its CSV.
    teacher.goto(f"{base}/instructor/cohorts/opt101/")
    teacher.click("#gradebook-link")
    rows = teacher.locator("#gradebook tbody tr")
    assert rows.count() == 2
    alice_row = teacher.locator("#gradebook tr[data-student=alice]")
    bob_row = teacher.locator("#gradebook tr[data-student=bob]")
    assert alice_row.locator(".cell-points").inner_text() == "28"
    assert "late" in alice_row.inner_text()
    assert bob_row.locator(".cell-points").inner_text() == "10"
    assert "ext" in bob_row.inner_text() and "late" not in bob_row.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    teacher.screenshot(path=str(ARTIFACTS / "gradebook.png"), full_page=True)
    student.screenshot(path=str(ARTIFACTS / "assignment-student.png"), full_page=True)
    with teacher.expect_download() as download:
        teacher.click("#gradebook-csv")
    saved = tmp_path / "gradebook.csv"
    download.value.save_as(saved)
    extended = (due + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    assert saved.read_text("utf-8-sig").splitlines() == [
        "username,name,email,Week 1: first steps (points of 30),Week 1: first steps late,"
        "Week 1: first steps extended until (UTC),total points,total possible,total percent",
        "alice,,alice@example.org,28,yes,,28,30,93.3",
        f"bob,,bob@example.org,10,no,{extended},10,30,33.3",
    ]
