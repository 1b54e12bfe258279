"""Instructors' assignment pages: create and edit, one assignment's statistics and
extensions, and the cohort's gradebook with its CSV."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import gradebook as books
from courses import services
from courses.forms import AssignmentForm, ExtensionForm
from courses.models import Assignment, Extension
from exercises.models import Cohort
from exercises.services.dashboard import csv_stream
from exercises.view_access import cohort_or_404, instructor_required


def _assignment_or_404(cohort: Cohort, assignment_id: int) -> Assignment:
    assignment = Assignment.objects.filter(cohort=cohort, pk=assignment_id).first()
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


@require_GET
@instructor_required
def assignment_list(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    assignments = (
        Assignment.objects.filter(cohort=cohort)
        .annotate(item_count=Count("items", distinct=True))
        .annotate(extension_count=Count("extensions", distinct=True))
    )
    return render(
        request,
        "courses/instructor/assignment_list.html",
        {"cohort": cohort, "assignments": assignments},
    )


@require_http_methods(["GET", "POST"])
@instructor_required
def assignment_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _assignment_form(request, cohort_or_404(request, slug), None)


@require_http_methods(["GET", "POST"])
@instructor_required
def assignment_edit(request: HttpRequest, slug: str, assignment_id: int) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    return _assignment_form(request, cohort, _assignment_or_404(cohort, assignment_id))


def _assignment_form(
    request: HttpRequest, cohort: Cohort, assignment: Assignment | None
) -> HttpResponse:
    form = AssignmentForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        saved = services.assignment_save(
            cohort=cohort,
            fields=form.assignment_fields(),
            items=form.items(),
            user=request.user,
            assignment=assignment,
        )
        messages.success(request, f"Saved “{saved.title}”.")
        return redirect("courses:overview", slug=cohort.slug, assignment_id=saved.pk)
    return render(
        request,
        "courses/instructor/assignment_form.html",
        {"cohort": cohort, "assignment": assignment, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
@instructor_required
def assignment_delete(request: HttpRequest, slug: str, assignment_id: int) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    assignment = _assignment_or_404(cohort, assignment_id)
    services.assignment_delete(assignment=assignment)
    messages.success(request, f"Deleted “{assignment.title}”.")
    return redirect("courses:instructor_assignments", slug=cohort.slug)


@require_GET
@instructor_required
def assignment_overview(request: HttpRequest, slug: str, assignment_id: int) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    assignment = _assignment_or_404(cohort, assignment_id)
    return _overview(request, cohort, assignment, _extension_form(assignment))


def _extension_form(assignment: Assignment, data=None) -> ExtensionForm:
    usernames = list(
        assignment.cohort.memberships.order_by("user__username").values_list(
            "user__username", flat=True
        )
    )
    return ExtensionForm(data, usernames=usernames, zone=assignment.time_zone)


def _overview(request, cohort, assignment, extension_form, status: int = 200) -> HttpResponse:
    stats = books.assignment_stats(assignment=assignment)
    return render(
        request,
        "courses/instructor/assignment_overview.html",
        {
            "cohort": cohort,
            "assignment": assignment,
            "stats": stats,
            "extension_form": extension_form,
        },
        status=status,
    )


@require_POST
@instructor_required
def extension_grant(request: HttpRequest, slug: str, assignment_id: int) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    assignment = _assignment_or_404(cohort, assignment_id)
    form = _extension_form(assignment, request.POST)
    if form.is_valid():
        try:
            extension = services.extension_grant(
                assignment=assignment,
                username=form.cleaned_data["student"],
                due_at=form.cleaned_data["due_at"],
                reason=form.cleaned_data["reason"],
                granted_by=request.user,
            )
        except services.ExtensionRefused as exc:
            form.add_error("due_at", str(exc))
        else:
            messages.success(request, f"{extension.user.username} now has until the new due time.")
            return redirect("courses:overview", slug=cohort.slug, assignment_id=assignment.pk)
    return _overview(request, cohort, assignment, form, status=400)


@require_POST
@instructor_required
def extension_revoke(
    request: HttpRequest, slug: str, assignment_id: int, extension_id: int
) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    assignment = _assignment_or_404(cohort, assignment_id)
    extension = Extension.objects.filter(assignment=assignment, pk=extension_id).first()
    if extension is None:
        raise Http404("No such extension.")
    services.extension_revoke(extension=extension)
    messages.success(request, f"{extension.user.username} is back on the class due time.")
    return redirect("courses:overview", slug=cohort.slug, assignment_id=assignment.pk)


@require_GET
@instructor_required
def gradebook(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    return render(
        request,
        "courses/instructor/gradebook.html",
        {"cohort": cohort, "book": books.cohort_gradebook(cohort=cohort)},
    )


@require_GET
@instructor_required
def gradebook_csv(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = cohort_or_404(request, slug)
    rows = books.gradebook_csv_rows(gradebook=books.cohort_gradebook(cohort=cohort))
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{cohort.slug}-gradebook.csv"'
    response["Cache-Control"] = "no-store"
    return response
