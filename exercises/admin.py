from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from coursesite.forms import AdminSignupForm, AdminUserForm
from exercises.models import (
    Cohort,
    CohortInvitation,
    Exercise,
    ExerciseDraft,
    ExerciseVersion,
    Lesson,
    LessonProgress,
    Membership,
    PracticeProblem,
    QuizAttempt,
    QuizItem,
    Regrade,
    RegradeItem,
    Submission,
    Track,
)

# Accounts made or renamed here get the same username checks as the signup form.
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class TraceLabUserAdmin(UserAdmin):
    add_form = AdminSignupForm
    form = AdminUserForm


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
    raw_id_fields = ["user", "exercise_version", "exercise"]
    readonly_fields = ["created_at", "queued_at", "started_at", "finished_at", "named_mistake"]


# -- tracks, lessons, quizzes, progress ------------------------------------------------
class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["position", "slug", "title", "active"]
    extra = 0
    show_change_link = True


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "position"]
    search_fields = ["slug", "title"]
    inlines = [LessonInline]


class PracticeProblemInline(admin.StackedInline):
    model = PracticeProblem
    extra = 0


class QuizItemInline(admin.StackedInline):
    model = QuizItem
    extra = 0
    fields = ["key", "position", "question", "options", "answer", "explanation", "active"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "track", "position", "active", "pass_percent"]
    list_filter = ["track", "active"]
    search_fields = ["slug", "title"]
    inlines = [PracticeProblemInline, QuizItemInline]


@admin.register(PracticeProblem)
class PracticeProblemAdmin(admin.ModelAdmin):
    list_display = ["lesson", "position", "question"]
    list_filter = ["lesson"]


@admin.register(QuizItem)
class QuizItemAdmin(admin.ModelAdmin):
    list_display = ["lesson", "key", "position", "active"]
    list_filter = ["lesson", "active"]
    search_fields = ["key", "question"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "lesson", "score", "passed", "created_at", "submitted_at"]
    list_filter = ["passed", "lesson"]
    search_fields = ["user__username", "lesson__slug"]
    raw_id_fields = ["user", "lesson"]
    readonly_fields = ["created_at"]


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "state", "best_quiz_score", "started_at", "completed_at"]
    list_filter = ["state", "lesson"]
    search_fields = ["user__username", "lesson__slug"]
    raw_id_fields = ["user", "lesson"]
    readonly_fields = ["started_at"]


# -- cohorts, drafts, regrades ---------------------------------------------------------
class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "join_code", "track", "created_at"]
    search_fields = ["name", "slug", "join_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["instructors"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["cohort", "user", "joined_at"]
    list_filter = ["cohort"]
    search_fields = ["user__username", "cohort__name"]
    raw_id_fields = ["user"]


@admin.register(CohortInvitation)
class CohortInvitationAdmin(admin.ModelAdmin):
    list_display = ["cohort", "username", "invited_by", "created_at", "declined_at"]
    list_filter = ["cohort"]
    search_fields = ["username", "cohort__name"]
    raw_id_fields = ["invited_by"]
    readonly_fields = ["created_at"]


@admin.register(ExerciseDraft)
class ExerciseDraftAdmin(admin.ModelAdmin):
    list_display = ["slug", "exercise", "author", "validation_status", "updated_at"]
    list_filter = ["validation_status"]
    search_fields = ["slug"]
    raw_id_fields = ["exercise", "author"]
    readonly_fields = ["updated_at", "validation", "validation_status", "validated_hash"]


class RegradeItemInline(admin.TabularInline):
    model = RegradeItem
    extra = 0
    raw_id_fields = ["submission"]
    readonly_fields = ["old_verdict", "old_score", "new_verdict", "new_score", "done"]
    can_delete = False


@admin.register(Regrade)
class RegradeAdmin(admin.ModelAdmin):
    list_display = ["exercise", "version", "total", "created_by", "created_at"]
    raw_id_fields = ["exercise", "version", "created_by"]
    readonly_fields = ["created_at", "total"]
    inlines = [RegradeItemInline]


@admin.register(RegradeItem)
class RegradeItemAdmin(admin.ModelAdmin):
    list_display = [
        "regrade",
        "submission",
        "old_verdict",
        "old_score",
        "new_verdict",
        "new_score",
        "done",
    ]
    list_filter = ["done", "new_verdict"]
    raw_id_fields = ["regrade", "submission"]
