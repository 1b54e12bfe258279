from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    label = "exercises"
    verbose_name = "Exercises"
