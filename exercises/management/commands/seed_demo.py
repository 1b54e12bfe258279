from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_STUDENT = ("student", "student-pass-123")
DEMO_INSTRUCTOR = ("instructor", "instructor-pass-123")
INSTRUCTORS_GROUP = "instructors"


class Command(BaseCommand):
    help = "Create the demo student and instructor accounts (safe to run again)."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        user_model = get_user_model()
        instructors, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)

        student, _ = user_model.objects.get_or_create(username=DEMO_STUDENT[0])
        student.set_password(DEMO_STUDENT[1])
        student.save()

        instructor, _ = user_model.objects.get_or_create(username=DEMO_INSTRUCTOR[0])
        instructor.set_password(DEMO_INSTRUCTOR[1])
        instructor.is_staff = True
        instructor.save()
        instructor.groups.add(instructors)

        self.stdout.write("Demo accounts:")
        self.stdout.write(f"  student:    {DEMO_STUDENT[0]} / {DEMO_STUDENT[1]}")
        instructor_login = f"{DEMO_INSTRUCTOR[0]} / {DEMO_INSTRUCTOR[1]}"
        self.stdout.write(f"  instructor: {instructor_login} (staff, {INSTRUCTORS_GROUP})")
