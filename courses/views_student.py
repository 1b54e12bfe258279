"""A student's assignments: the list, and one assignment with their standing in it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from courses.models import Assignment
from courses.student import assignment_for, assignments_for
from exercises.services.cohorts import cohorts_taught


@require_GET
@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "courses/assignment_list.html", {"entries": assignments_for(user=request.user)}
    )


@require_GET
@login_required
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    entry = assignment_for(user=request.user, assignment_id=assignment_id)
    if entry is None:
        taught = Assignment.objects.filter(
            pk=assignment_id, cohort__in=cohorts_taught(user=request.user)
        ).first()
        if taught is not None:
            return redirect("courses:overview", slug=taught.cohort.slug, assignment_id=taught.pk)
        raise Http404("No such assignment.")
    return render(request, "courses/assignment_detail.html", {"entry": entry})
