import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_attempt, make_cohort, make_lesson, make_submission, make_track

from exercises.models import Exercise
from exercises.services.dashboard import csv_safe, csv_stream

pytestmark = pytest.mark.django_db


def _read(response) -> tuple[str, list[list[str]]]:
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    text = raw.decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def graded(ines, alice, bob, make_exercise, django_user_model):
    track = make_track()
    lesson = make_lesson(track, "adam-and-adamw", 1, [("q1", ["a", "b"], 0), ("q2", ["a", "b"], 1)])
    adamw = make_exercise("adamw")
    Exercise.objects.filter(pk=adamw.pk).update(lesson=lesson)
    sneaky = django_user_model.objects.create_user("=cmd|calc", password="sneaky-pass-123")
    cohort = make_cohort(ines, students=[alice, bob, sneaky], track=track)
    make_submission(alice, adamw, score=0.5, mistakes=["coupled-l2", "eps-inside-sqrt"])
    make_submission(alice, adamw, verdict="passed")
    make_submission(bob, adamw, score=0.25, mistakes=["decay-after-update"])
    make_submission(bob, adamw, verdict="passed", mode="run")
    make_attempt(alice, lesson, {"q1": 0, "q2": 1})
    make_attempt(bob, lesson, {"q1": 0, "q2": 0})
    return cohort


def test_csv_safe_neutralises_formula_cells():
    assert csv_safe("=SUM(A1)") == "'=SUM(A1)"
    assert csv_safe("+1") == "'+1"
    assert csv_safe("-2") == "'-2"
    assert csv_safe("@x") == "'@x"
    assert csv_safe("\tx") == "'\tx"
    assert csv_safe("plain") == "plain"
    assert csv_safe(-2.5) == -2.5  # numbers are not text a spreadsheet would run


def test_csv_stream_starts_with_a_bom_and_escapes_quotes():
    text = "".join(csv_stream([["a", 'say "hi", ok'], ["=1+1", 3]]))
    assert text.startswith("\ufeff")
    assert '"say ""hi"", ok"' in text
    assert "'=1+1,3" in text


def test_grades_csv_has_one_row_per_student_and_totals(graded, ines_client):
    response = ines_client.get(reverse("instructor:export_grades", args=[graded.slug]))
    text, rows = _read(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="class-a-grades.csv"' in response["Content-Disposition"]
    assert text.startswith("\ufeff")
    assert rows[0] == [
        "username",
        "name",
        "quiz adam-and-adamw (best %)",
        "adamw (best %)",
        "lessons complete",
        "exercises passed",
        "points",
        "points possible",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["alice"][2:] == ["100.0", "100.0", "1", "1", "10.0", "10"]
    assert by_name["bob"][2:] == ["50.0", "25.0", "0", "0", "2.5", "10"]
    assert by_name["'=cmd|calc"][2:4] == ["", ""]
    assert "=cmd|calc" not in [row[0] for row in rows]


def test_submissions_csv_lists_each_submission_with_named_mistakes(graded, ines_client):
    response = ines_client.get(reverse("instructor:export_submissions", args=[graded.slug]))
    _, rows = _read(response)

    assert rows[0] == [
        "submission",
        "student",
        "exercise",
        "version",
        "time (UTC)",
        "mode",
        "verdict",
        "score (%)",
        "named mistakes",
    ]
    body = [row[1:4] + row[5:] for row in rows[1:]]
    assert body == [
        ["alice", "adamw", "1", "submit", "failed", "50.0", "coupled-l2; eps-inside-sqrt"],
        ["alice", "adamw", "1", "submit", "passed", "100.0", ""],
        ["bob", "adamw", "1", "submit", "failed", "25.0", "decay-after-update"],
        ["bob", "adamw", "1", "run", "passed", "100.0", ""],
    ]


def test_exports_follow_the_dashboard_filters(graded, ines_client):
    url = reverse("instructor:export_grades", args=[graded.slug])
    _, rows = _read(ines_client.get(url, {"start": "2001-01-01", "end": "2001-01-02"}))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["alice"][3] == ""  # no submission in that range


def test_pending_submissions_are_exported_with_their_status(graded, ines_client, alice):
    make_submission(alice, Exercise.objects.get(slug="adamw"), status="queued")
    _, rows = _read(ines_client.get(reverse("instructor:export_submissions", args=[graded.slug])))
    assert rows[-1][6:] == ["queued", "", ""]


OUT_OF_RANGE_DATES = [
    {"end": "9999-12-31"},
    {"start": "9999-12-31"},
    {"start": "0001-01-01"},
    {"start": "0001-01-01", "end": "9999-12-31"},
    {"end": "1970-02-30"},
    {"start": "yesterday"},
    {"end": "2024-01-01\x00"},
    {"start": "2024-13-01"},
    {"end": "9" * 40},
]


@pytest.mark.parametrize("name", ["export_grades", "export_submissions"])
@pytest.mark.parametrize("query", OUT_OF_RANGE_DATES)
def test_exports_refuse_unusable_dates_with_a_clear_400_before_streaming(
    graded, ines_client, name, query
):
    response = ines_client.get(reverse(f"instructor:{name}", args=[graded.slug]), query)
    assert response.status_code == 400
    assert not response.streaming
    message = response.content.decode()
    assert "date" in message.lower() or "NUL" in message


@pytest.mark.parametrize("name", ["export_grades", "export_submissions"])
def test_exports_refuse_an_unknown_lesson_and_a_reversed_range(graded, ines_client, name):
    url = reverse(f"instructor:{name}", args=[graded.slug])
    assert ines_client.get(url, {"lesson": "no-such-lesson"}).status_code == 400
    response = ines_client.get(url, {"start": "2024-02-01", "end": "2024-01-01"})
    assert response.status_code == 400
    assert "start date is after the end date" in response.content.decode()


def test_exports_accept_the_widest_allowed_range(graded, ines_client):
    query = {"start": "2000-01-01", "end": "2999-12-31"}
    for name in ("export_grades", "export_submissions"):
        url = reverse(f"instructor:{name}", args=[graded.slug])
        _, rows = _read(ines_client.get(url, query))
        assert len(rows) > 1, name
