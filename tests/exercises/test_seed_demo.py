import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from exercises.management.commands.seed_demo import DEMO_CLASS

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_logins_and_is_idempotent(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    users = get_user_model().objects
    # The two logins, and the demo class (who cannot log in); a second run adds no one.
    assert users.count() == 2 + len(DEMO_CLASS)
    assert {u.username for u in users.all() if u.has_usable_password()} == {
        "student",
        "instructor",
    }
    student = users.get(username="student")
    instructor = users.get(username="instructor")
    assert student.check_password("student-pass-123")
    assert not student.is_staff
    assert instructor.check_password("instructor-pass-123")
    # Instructors teach from the instructor pages; the admin is for superusers.
    assert not instructor.is_staff and not instructor.is_superuser
    assert list(instructor.groups.values_list("name", flat=True)) == ["instructors"]
    output = capsys.readouterr().out
    assert "student-pass-123" in output and "instructor-pass-123" in output
