"""Instructor pages about cohorts: the class dashboard, drill-downs, the roster and exports.

Every view here needs an instructor (403 for anyone else who is logged in); cohort pages
answer 404 for a cohort the instructor does not teach. Decisions live in the services.
Authoring lives in views_authoring, regrades in views_regrade.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.fields.json import KeyTransform
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import hooks
from exercises.forms_instructor import (
    CohortForm,
    DashboardFilterForm,
    JoinForm,
    RosterAddForm,
)
from exercises.models import (
    LessonProgress,
    Membership,
    QuizAttempt,
    Submission,
)
from exercises.params import BadParameter, bad_request, text_param
from exercises.services import cohorts, dashboard
from exercises.services.cohorts import CohortError
from exercises.view_access import cohort_or_404, exercise_or_404, instructor_required

SUBMISSIONS_PER_PAGE = 50
TIMELINE_LIMIT = 300
STUCK_SHOWN = 100


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
    return render(request, "exercises/instructor/home.html", {"cohorts": taught, "form": form})


@require_http_methods(["GET", "POST"])
@instructor_required
def roster(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    add_form = RosterAddForm(prefix="add")
    settings_form = CohortForm(
        prefix="settings", initial={"name": cohort.name, "track": cohort.track}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            add_form = RosterAddForm(request.POST, prefix="add")
            if add_form.is_valid():
                # Students join only by their own consent: the form sends invitations,
                # and says the same whether or not an account of that name exists.
                outcome: dict[str, list[str]] = {"invited": [], "member": []}
                for username in dict.fromkeys(add_form.cleaned_data["usernames"]):
                    result = cohorts.invitation_send(
                        cohort=cohort, username=username, invited_by=request.user
                    )
                    outcome[result].append(username)
                if outcome["invited"]:
                    messages.success(
                        request,
                        f"Invited {', '.join(outcome['invited'])}. A student with an account "
                        "of that name sees the invitation on their home page and joins only "
                        "if they accept it.",
                    )
                if outcome["member"]:
                    messages.info(
                        request, f"Already in the cohort: {', '.join(outcome['member'])}."
                    )
                return redirect("instructor:roster", cohort.slug)
        elif action == "withdraw":
            username = request.POST.get("username", "")
            if cohorts.invitation_withdraw(cohort=cohort, username=username):
                messages.success(request, f"Withdrew the invitation to {username}.")
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
            "invitations": cohorts.invitations_waiting(cohort=cohort),
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
        {
            "form": form,
            "memberships": cohorts.cohorts_of_student(user=request.user),
            "invitations": cohorts.invitations_for(user=request.user),
        },
    )


@require_POST
@login_required
def invitation_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """A student accepts (joins the cohort) or declines an instructor's invitation."""
    accept = request.POST.get("answer") == "accept"
    try:
        cohort = cohorts.invitation_answer(
            invitation_id=invitation_id, user=request.user, accept=accept
        )
    except CohortError:
        raise Http404("No such invitation.") from None
    if accept:
        messages.success(request, f"You joined {cohort.name}.")
    else:
        messages.info(request, f"You declined the invitation to {cohort.name}.")
    return redirect("home")


# -- dashboard and drill-downs ---------------------------------------------------------
def dashboard_filters(
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
    cohort = cohort_or_404(request, slug)
    lessons = dashboard.cohort_lessons(cohort)
    form, filters = dashboard_filters(request, lessons)
    board = dashboard.cohort_dashboard(cohort=cohort, filters=filters, lessons=lessons)
    # Unusable filters: the whole class is shown, with the form saying what was wrong.
    status = 400 if form.is_bound and not form.is_valid() else 200
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
            "cohort_links": hooks.panels("cohort", request, cohort=cohort),
        },
        status=status,
    )


@require_GET
@instructor_required
def student_timeline(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    membership = cohorts.cohort_membership_get(cohort=cohort, username=username)
    if membership is None:
        raise Http404("No such student in this cohort.")
    # Only what the student did as a member: their earlier work is not the cohort's.
    student, joined = membership.user, membership.joined_at
    submissions = list(
        Submission.objects.filter(user=student, created_at__gte=joined)
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
        QuizAttempt.objects.filter(user=student, submitted_at__gte=joined)
        .select_related("lesson")
        .order_by("-submitted_at")[:TIMELINE_LIMIT]
    )
    progress = [
        entry
        for entry in LessonProgress.objects.filter(user=student)
        .select_related("lesson")
        .order_by("lesson__track__position", "lesson__position")
        if (entry.completed_at or entry.started_at) >= joined
    ]
    events: list[dict[str, Any]] = []
    for submission in submissions:
        events.append({"kind": "submission", "at": submission.created_at, "item": submission})
    for attempt in attempts:
        shown = list(attempt.order or {}) or list(attempt.answers or {})
        events.append(
            {"kind": "quiz", "at": attempt.submitted_at, "item": attempt, "items": len(shown)}
        )
    for entry in progress:
        if entry.completed_at and entry.completed_at >= joined:
            events.append({"kind": "complete", "at": entry.completed_at, "item": entry})
        if entry.started_at >= joined:
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
    cohort = cohort_or_404(request, slug)
    exercise = exercise_or_404(exercise_slug)
    try:
        mistake = text_param(request.GET.get("mistake"), name="mistake")
        verdict = text_param(request.GET.get("verdict"), name="verdict")
    except BadParameter as exc:
        return bad_request(str(exc))
    queryset = (
        Submission.objects.filter(dashboard.since_joined(cohort), exercise=exercise)
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


def _filter_errors(form: DashboardFilterForm) -> HttpResponse | None:
    """A 400 naming what is wrong with an export's filters, before anything is streamed."""
    if not form.is_bound or form.is_valid():
        return None
    problems = [
        f"{form.fields[name].label if name in form.fields else 'Filters'}: {error}"
        for name, errors in form.errors.items()
        for error in errors
    ]
    return bad_request("The export's filters cannot be used. " + " ".join(problems))


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        dashboard.csv_stream(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@instructor_required
def export_grades(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    lessons = dashboard.cohort_lessons(cohort)
    form, filters = dashboard_filters(request, lessons)
    if (refused := _filter_errors(form)) is not None:
        return refused
    board = dashboard.cohort_dashboard(cohort=cohort, filters=filters, lessons=lessons)
    return _csv_response(dashboard.grades_csv_rows(dashboard=board), f"{cohort.slug}-grades.csv")


@require_GET
@instructor_required
def export_submissions(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    form, filters = dashboard_filters(request, dashboard.cohort_lessons(cohort))
    if (refused := _filter_errors(form)) is not None:
        return refused
    # Built (and its filters checked) here: a failure inside the stream would cut the
    # file off after its first lines.
    rows = dashboard.submissions_csv_rows(cohort=cohort, filters=filters)
    return _csv_response(rows, f"{cohort.slug}-submissions.csv")
