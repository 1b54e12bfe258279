"""Instructor pages: cohorts, class dashboard, drill-downs, exports, authoring, regrades.

Every view here needs an instructor (403 for anyone else who is logged in); cohort pages
answer 404 for a cohort the instructor does not teach. Decisions live in the services.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.fields.json import KeyTransform
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises.forms_instructor import (
    LIST_FOLDERS,
    MAIN_FILES,
    BundleFileFormSet,
    CohortForm,
    DashboardFilterForm,
    DraftForm,
    ImportForm,
    JoinForm,
    RosterAddForm,
    draft_initial,
)
from exercises.models import (
    Cohort,
    Exercise,
    ExerciseDraft,
    LessonProgress,
    Membership,
    QuizAttempt,
    Regrade,
    Submission,
)
from exercises.services import authoring, cohorts, dashboard, regrade
from exercises.services.authoring import AuthoringError, Status
from exercises.services.cohorts import CohortError

SUBMISSIONS_PER_PAGE = 50
TIMELINE_LIMIT = 300
STUCK_SHOWN = 100


def instructor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in (else the login page) and an instructor (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cohorts.is_instructor(request.user):
            raise PermissionDenied("Only instructors can open this page.")
        return view(request, *args, **kwargs)

    return wrapper


def _cohort_or_404(request: HttpRequest, slug: str) -> Cohort:
    cohort = cohorts.cohort_for_instructor(user=request.user, slug=slug)
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def _exercise_or_404(slug: str) -> Exercise:
    exercise = Exercise.objects.select_related("current_version").filter(slug=slug).first()
    if exercise is None:
        raise Http404("No such exercise.")
    return exercise


# -- cohorts ---------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@instructor_required
def home(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohorts.cohort_create(
                name=form.cleaned_data["name"],
                instructor=request.user,
                track=form.cleaned_data["track"],
            )
        except CohortError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Created {cohort.name}. Share the join code {cohort.join_code}."
            )
            return redirect("instructor:roster", cohort.slug)
    taught = (
        cohorts.cohorts_taught(user=request.user)
        .select_related("track")
        .annotate(students=Count("memberships", distinct=True))
        .order_by("name")
    )
    drafts = ExerciseDraft.objects.count()
    return render(
        request,
        "exercises/instructor/home.html",
        {"cohorts": taught, "form": form, "draft_count": drafts},
    )


@require_http_methods(["GET", "POST"])
@instructor_required
def roster(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_or_404(request, slug)
    add_form = RosterAddForm(prefix="add")
    settings_form = CohortForm(
        prefix="settings", initial={"name": cohort.name, "track": cohort.track}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            add_form = RosterAddForm(request.POST, prefix="add")
            if add_form.is_valid():
                added, known, missing = [], [], []
                for username in add_form.cleaned_data["usernames"]:
                    try:
                        user, created = cohorts.roster_add(cohort=cohort, username=username)
                    except CohortError:
                        missing.append(username)
                    else:
                        (added if created else known).append(user.username)
                if added:
                    messages.success(request, f"Added {', '.join(added)}.")
                if known:
                    messages.info(request, f"Already in the cohort: {', '.join(known)}.")
                if missing:
                    messages.error(request, f"No such user: {', '.join(missing)}.")
                return redirect("instructor:roster", cohort.slug)
        elif action == "remove":
            username = request.POST.get("username", "")
            if cohorts.roster_remove(cohort=cohort, username=username):
                messages.success(request, f"Removed {username} (their submissions are kept).")
            return redirect("instructor:roster", cohort.slug)
        elif action == "regenerate":
            code = cohorts.cohort_join_code_regenerate(cohort=cohort)
            messages.success(request, f"New join code: {code}. The old one no longer works.")
            return redirect("instructor:roster", cohort.slug)
        elif action == "settings":
            settings_form = CohortForm(request.POST, prefix="settings")
            if settings_form.is_valid():
                cohorts.cohort_update(
                    cohort=cohort,
                    name=settings_form.cleaned_data["name"],
                    track=settings_form.cleaned_data["track"],
                )
                messages.success(request, "Saved.")
                return redirect("instructor:roster", cohort.slug)
        else:
            return HttpResponse("Unknown action.", status=400)
    members = (
        Membership.objects.filter(cohort=cohort).select_related("user").order_by("user__username")
    )
    return render(
        request,
        "exercises/instructor/roster.html",
        {
            "cohort": cohort,
            "members": members,
            "add_form": add_form,
            "settings_form": settings_form,
            "join_url": request.build_absolute_uri(reverse("cohort_join")),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def cohort_join(request: HttpRequest) -> HttpResponse:
    """Students join a cohort with the code their instructor gave them."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            cohort, joined = cohorts.cohort_join(user=request.user, code=form.cleaned_data["code"])
        except CohortError as exc:
            form.add_error("code", str(exc))
        else:
            if joined:
                messages.success(request, f"You joined {cohort.name}.")
            else:
                messages.info(request, f"You are already in {cohort.name}.")
            return redirect("cohort_join")
    return render(
        request,
        "exercises/instructor/join.html",
        {"form": form, "memberships": cohorts.cohorts_of_student(user=request.user)},
    )


# -- dashboard and drill-downs ---------------------------------------------------------
def _filters(
    request: HttpRequest, lessons
) -> tuple[DashboardFilterForm, dashboard.DashboardFilters]:
    form = DashboardFilterForm(request.GET or None, lessons=lessons)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        filters = dashboard.DashboardFilters(
            lesson_slug=data.get("lesson") or "", start=data.get("start"), end=data.get("end")
        )
    else:
        filters = dashboard.DashboardFilters()
    return form, filters


def _query_string(request: HttpRequest) -> str:
    keep = {k: v for k, v in request.GET.items() if k in ("lesson", "start", "end") and v}
    return urlencode(keep)


@require_GET
@instructor_required
def cohort_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_or_404(request, slug)
    lessons = dashboard.cohort_lessons(cohort)
    form, filters = _filters(request, lessons)
    board = dashboard.cohort_dashboard(cohort=cohort, filters=filters, lessons=lessons)
    return render(
        request,
        "exercises/instructor/dashboard.html",
        {
            "cohort": cohort,
            "board": board,
            "form": form,
            "query": _query_string(request),
            "stuck_threshold": dashboard.STUCK_FAILED_ATTEMPTS,
            "stuck_shown": STUCK_SHOWN,
            "stuck_shown_slice": f":{STUCK_SHOWN}",
            "hard_percent": dashboard.HARD_ITEM_PERCENT,
            "low_discrimination": dashboard.LOW_DISCRIMINATION,
        },
    )


@require_GET
@instructor_required
def student_timeline(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    cohort = _cohort_or_404(request, slug)
    student = cohorts.cohort_member_get(cohort=cohort, username=username)
    if student is None:
        raise Http404("No such student in this cohort.")
    submissions = list(
        Submission.objects.filter(user=student)
        .select_related("exercise", "exercise_version")
        .annotate(
            diagnoses=KeyTransform("diagnoses", "result"),
            hints=KeyTransform("hints", "result"),
            message=KeyTransform("message", "result"),
        )
        .defer("result")
        .order_by("-created_at", "-id")[:TIMELINE_LIMIT]
    )
    attempts = list(
        QuizAttempt.objects.filter(user=student, submitted_at__isnull=False)
        .select_related("lesson")
        .order_by("-submitted_at")[:TIMELINE_LIMIT]
    )
    progress = list(
        LessonProgress.objects.filter(user=student)
        .select_related("lesson")
        .order_by("lesson__track__position", "lesson__position")
    )
    events: list[dict[str, Any]] = []
    for submission in submissions:
        events.append({"kind": "submission", "at": submission.created_at, "item": submission})
    for attempt in attempts:
        shown = list(attempt.order or {}) or list(attempt.answers or {})
        events.append(
            {"kind": "quiz", "at": attempt.submitted_at, "item": attempt, "items": len(shown)}
        )
    for entry in progress:
        if entry.completed_at:
            events.append({"kind": "complete", "at": entry.completed_at, "item": entry})
        events.append({"kind": "start", "at": entry.started_at, "item": entry})
    events.sort(key=lambda e: e["at"] or timezone.now(), reverse=True)
    return render(
        request,
        "exercises/instructor/student.html",
        {
            "cohort": cohort,
            "student": student,
            "events": events,
            "progress": progress,
            "truncated": len(submissions) >= TIMELINE_LIMIT,
            "limit": TIMELINE_LIMIT,
        },
    )


@require_GET
@instructor_required
def exercise_submissions(request: HttpRequest, slug: str, exercise_slug: str) -> HttpResponse:
    cohort = _cohort_or_404(request, slug)
    exercise = _exercise_or_404(exercise_slug)
    mistake = request.GET.get("mistake", "")
    verdict = request.GET.get("verdict", "")
    queryset = (
        Submission.objects.filter(
            exercise=exercise,
            user_id__in=Membership.objects.filter(cohort=cohort).values("user_id"),
        )
        .select_related("user", "exercise_version")
        .annotate(
            diagnoses=KeyTransform("diagnoses", "result"), message=KeyTransform("message", "result")
        )
        .defer("result")
        .order_by("-created_at", "-id")
    )
    if mistake:
        queryset = queryset.filter(named_mistake=mistake)
    if verdict in Submission.Verdict.values:
        queryset = queryset.filter(verdict=verdict)
    page = Paginator(queryset, SUBMISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    stats = dashboard.exercise_summary(cohort=cohort, exercise=exercise)
    params = {k: v for k, v in (("mistake", mistake), ("verdict", verdict)) if v}
    return render(
        request,
        "exercises/instructor/exercise_submissions.html",
        {
            "cohort": cohort,
            "exercise": exercise,
            "page": page,
            "stats": stats,
            "mistake": mistake,
            "verdict": verdict,
            "verdicts": Submission.Verdict.choices,
            "params": urlencode(params),
        },
    )


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        dashboard.csv_stream(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@instructor_required
def export_grades(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    cohort = _cohort_or_404(request, slug)
    lessons = dashboard.cohort_lessons(cohort)
    _, filters = _filters(request, lessons)
    board = dashboard.cohort_dashboard(cohort=cohort, filters=filters, lessons=lessons)
    return _csv_response(dashboard.grades_csv_rows(dashboard=board), f"{cohort.slug}-grades.csv")


@require_GET
@instructor_required
def export_submissions(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    cohort = _cohort_or_404(request, slug)
    _, filters = _filters(request, dashboard.cohort_lessons(cohort))
    rows = dashboard.submissions_csv_rows(cohort=cohort, filters=filters)
    return _csv_response(rows, f"{cohort.slug}-submissions.csv")


# -- authoring -------------------------------------------------------------------------
@require_GET
@instructor_required
def exercise_list(request: HttpRequest) -> HttpResponse:
    exercises = (
        Exercise.objects.select_related("current_version", "lesson")
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("slug")
    )
    drafts = ExerciseDraft.objects.select_related("author", "exercise").order_by("-updated_at")
    return render(
        request,
        "exercises/instructor/exercise_list.html",
        {"exercises": exercises, "drafts": drafts, "import_form": ImportForm()},
    )


@require_POST
@instructor_required
def draft_new(request: HttpRequest) -> HttpResponse:
    draft = authoring.draft_create(author=request.user)
    return redirect("instructor:draft", draft.pk)


@require_POST
@instructor_required
def exercise_edit(request: HttpRequest, exercise_slug: str) -> HttpResponse:
    exercise = _exercise_or_404(exercise_slug)
    try:
        draft = authoring.draft_for_exercise(exercise=exercise, author=request.user)
    except AuthoringError as exc:
        messages.error(request, str(exc))
        return redirect("instructor:exercises")
    return redirect("instructor:draft", draft.pk)


def _draft_forms(draft: ExerciseDraft, data=None):
    main, lists, other = draft_initial(draft.files)
    form = DraftForm(data, initial=main)
    formsets = {
        folder: BundleFileFormSet(data, initial=lists[folder], prefix=folder)
        for folder in LIST_FOLDERS
    }
    return form, formsets, other


def _draft_context(draft: ExerciseDraft, form, formsets, other) -> dict[str, Any]:
    mistakes = []
    for sub in formsets["mistakes"].forms:
        source = sub["source"].value() or ""
        title, hint = authoring.mistake_title_and_hint(source)
        mistakes.append({"form": sub, "title": title, "hint": hint})
    return {
        "draft": draft,
        "form": form,
        "code_fields": [form["starter_py"], form["solution_py"]],
        "mistakes": mistakes,
        "mistake_formset": formsets["mistakes"],
        "agreement_formset": formsets["agreement"],
        "other_files": sorted(other),
        "summary": authoring.toml_summary(draft.files.get("exercise.toml", "")),
        "validated": authoring.draft_is_validated(draft),
        "stale": bool(draft.validated_hash)
        and draft.validated_hash != authoring.files_content_hash(draft.files),
        "new_mistake_source": authoring.NEW_MISTAKE_SOURCE,
        "pending": draft.validation_status in Status.PENDING,
    }


@require_http_methods(["GET", "POST"])
@instructor_required
def draft_edit(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_object_or_404(
        ExerciseDraft.objects.select_related("exercise", "author"), pk=draft_id
    )
    if request.method == "GET":
        form, formsets, other = _draft_forms(draft)
        return render(
            request,
            "exercises/instructor/draft.html",
            _draft_context(draft, form, formsets, other),
        )

    form, formsets, other = _draft_forms(draft, request.POST)
    valid = form.is_valid() and all(fs.is_valid() for fs in formsets.values())
    if valid:
        files = {name: form.cleaned_data[field] for field, name in MAIN_FILES.items()}
        for folder, formset in formsets.items():
            files.update(formset.bundle_files(folder))
        files.update(other)
        try:
            authoring.draft_update(draft=draft, files=files)
        except AuthoringError as exc:
            form.add_error(None, str(exc))
            valid = False
    if not valid:
        messages.error(request, "The draft was not saved: see the messages below.")
        return render(
            request,
            "exercises/instructor/draft.html",
            _draft_context(draft, form, formsets, other),
            status=400,
        )
    if request.POST.get("action") == "validate":
        authoring.draft_validation_request(draft=draft)
        messages.info(request, "Saved. Validation is running on a worker.")
    else:
        messages.success(request, "Saved.")
    return redirect("instructor:draft", draft.pk)


@require_POST
@instructor_required
def draft_validate(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_object_or_404(ExerciseDraft, pk=draft_id)
    authoring.draft_validation_request(draft=draft)
    return redirect("instructor:draft", draft.pk)


@require_GET
@never_cache
@instructor_required
def draft_validation(request: HttpRequest, draft_id: int) -> JsonResponse:
    draft = get_object_or_404(ExerciseDraft, pk=draft_id)
    html = render_to_string(
        "exercises/instructor/_validation.html",
        {
            "draft": draft,
            "validated": authoring.draft_is_validated(draft),
            "stale": bool(draft.validated_hash)
            and draft.validated_hash != authoring.files_content_hash(draft.files),
            "pending": draft.validation_status in Status.PENDING,
        },
        request=request,
    )
    return JsonResponse(
        {
            "status": draft.validation_status,
            "done": draft.validation_status not in Status.PENDING,
            "publishable": authoring.draft_is_validated(draft),
            "html": html,
        }
    )


@require_POST
@instructor_required
def draft_publish(request: HttpRequest, draft_id: int) -> HttpResponse:
    try:
        version = authoring.draft_publish(draft_id=draft_id, user=request.user)
    except AuthoringError as exc:
        messages.error(request, str(exc))
        if ExerciseDraft.objects.filter(pk=draft_id).exists():
            return redirect("instructor:draft", draft_id)
        return redirect("instructor:exercises")
    messages.success(
        request,
        f"Published {version.exercise.slug} version {version.number}; students now get it.",
    )
    return redirect("instructor:exercises")


@require_POST
@instructor_required
def draft_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_object_or_404(ExerciseDraft, pk=draft_id)
    authoring.draft_delete(draft=draft)
    messages.success(request, "Draft deleted.")
    return redirect("instructor:exercises")


@require_http_methods(["GET", "POST"])
@instructor_required
def draft_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        try:
            draft = authoring.draft_import_zip(upload=upload, author=request.user, size=upload.size)
        except AuthoringError as exc:
            form.add_error("bundle", str(exc))
        else:
            messages.success(request, "Imported as a draft. Validate it, then publish.")
            return redirect("instructor:draft", draft.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "exercises/instructor/import.html", {"form": form}, status=status)


@require_GET
@instructor_required
def exercise_export(request: HttpRequest, exercise_slug: str) -> HttpResponse:
    exercise = _exercise_or_404(exercise_slug)
    try:
        data = authoring.exercise_export_zip(exercise=exercise)
    except AuthoringError as exc:
        raise Http404(str(exc)) from exc
    version = exercise.current_version
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{exercise.slug}-v{version.number}.zip"'
    )
    return response


# -- regrades --------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@instructor_required
def regrade_page(request: HttpRequest, exercise_slug: str) -> HttpResponse:
    exercise = _exercise_or_404(exercise_slug)
    if request.method == "POST":
        try:
            run = regrade.regrade_start(exercise=exercise, user=request.user)
        except regrade.RegradeError as exc:
            messages.error(request, str(exc))
            return redirect("instructor:regrade", exercise.slug)
        return redirect("instructor:regrade_detail", exercise.slug, run.pk)
    return render(
        request,
        "exercises/instructor/regrade.html",
        {
            "exercise": exercise,
            "count": regrade.regradable_submissions(exercise=exercise).count(),
            "regrades": exercise.regrades.select_related("version", "created_by")[:20],
        },
    )


def _regrade_or_404(exercise: Exercise, regrade_id: int) -> Regrade:
    return get_object_or_404(
        Regrade.objects.select_related("version", "created_by"), pk=regrade_id, exercise=exercise
    )


def _regrade_context(run: Regrade) -> dict[str, Any]:
    progress = regrade.regrade_progress(regrade=run)
    return {
        "run": run,
        "progress": progress,
        "changes": regrade.regrade_changes(regrade=run, limit=500),
    }


@require_http_methods(["GET", "POST"])
@instructor_required
def regrade_detail(request: HttpRequest, exercise_slug: str, regrade_id: int) -> HttpResponse:
    exercise = _exercise_or_404(exercise_slug)
    run = _regrade_or_404(exercise, regrade_id)
    if request.method == "POST":
        sent = regrade.regrade_resend_pending(regrade=run)
        messages.info(
            request, f"Sent {sent} unfinished submission{'s' if sent != 1 else ''} again."
        )
        return redirect("instructor:regrade_detail", exercise.slug, run.pk)
    context = {"exercise": exercise, **_regrade_context(run)}
    return render(request, "exercises/instructor/regrade_detail.html", context)


@require_GET
@never_cache
@instructor_required
def regrade_progress(request: HttpRequest, exercise_slug: str, regrade_id: int) -> JsonResponse:
    exercise = _exercise_or_404(exercise_slug)
    run = _regrade_or_404(exercise, regrade_id)
    context = {"exercise": exercise, **_regrade_context(run)}
    html = render_to_string("exercises/instructor/_regrade_progress.html", context, request=request)
    return JsonResponse({"done": context["progress"].finished, "html": html})
