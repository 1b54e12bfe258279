from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """Assignments with deadlines, extensions and the gradebook, beside `exercises`."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"

    def ready(self) -> None:
        from courses import policies

        policies.install()
