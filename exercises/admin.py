from django.contrib import admin

from exercises.models import Exercise, ExerciseVersion, Submission


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "current_version"]
    search_fields = ["slug", "title"]
    raw_id_fields = ["current_version"]


@admin.register(ExerciseVersion)
class ExerciseVersionAdmin(admin.ModelAdmin):
    list_display = ["exercise", "number", "title", "runtime", "device", "points", "created_at"]
    list_filter = ["runtime", "device"]
    search_fields = ["exercise__slug", "title", "content_hash"]
    readonly_fields = ["created_at"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "user",
        "exercise_version",
        "mode",
        "status",
        "verdict",
        "score",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "verdict", "mode"]
    search_fields = ["user__username", "exercise_version__exercise__slug"]
    raw_id_fields = ["user", "exercise_version"]
    readonly_fields = ["created_at", "queued_at", "started_at", "finished_at"]
