"""Instructor pages for the failures no known mistake explains, and naming them.

Any instructor may open an exercise's page; it shows only the submissions they may see
(`visibility`), so to an instructor with no students in it, it is empty. Naming a group
opens only from a submission the page would show them (404 otherwise), and adds the
mistake to their own draft of the exercise, as "Edit" on the exercise list would.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from exercises.models import Exercise
from exercises.services import unexplained
from exercises.services.authoring import AuthoringError
from exercises.view_access import exercise_or_404, instructor_required


class NameMistakeForm(forms.Form):
    mistake_id = forms.CharField(
        label="Mistake id",
        max_length=unexplained.MISTAKE_ID_MAX,
        help_text="Lower-case words joined by dashes; the file becomes mistakes/<id>.py.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "steps-too-early"}),
    )
    title = forms.CharField(
        label="Title",
        max_length=unexplained.TITLE_MAX,
        help_text="One line that names the mistake; students see it.",
    )
    hint = forms.CharField(
        label="Hint",
        max_length=unexplained.HINT_MAX,
        help_text="What the student should check, in one or two sentences.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, taken: set[str] = frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.taken = taken

    def clean_mistake_id(self) -> str:
        value = self.cleaned_data["mistake_id"].strip()
        try:
            unexplained.check_mistake_id(value)
        except AuthoringError as exc:
            raise forms.ValidationError(str(exc)) from None
        if value in self.taken:
            raise forms.ValidationError(f"The published version already has a mistake {value}.")
        return value


def _taken(exercise: Exercise) -> set[str]:
    version = exercise.current_version
    return unexplained.mistake_ids(version.files) if version is not None else set()


def _form(exercise: Exercise, example_id: int, data=None) -> NameMistakeForm:
    return NameMistakeForm(data, taken=_taken(exercise), auto_id=f"name-{example_id}-%s")


@require_GET
@instructor_required
def unexplained_page(request: HttpRequest, exercise_slug: str) -> HttpResponse:
    exercise = exercise_or_404(exercise_slug)
    report = unexplained.unexplained_report(instructor=request.user, exercise=exercise)
    return render(
        request,
        "exercises/instructor/unexplained.html",
        {
            "exercise": exercise,
            "report": report,
            "groups": [(group, _form(exercise, group.example_id)) for group in report.groups],
            "known": sorted(_taken(exercise)),
        },
    )


@require_http_methods(["GET", "POST"])
@instructor_required
def unexplained_name(request: HttpRequest, exercise_slug: str, submission_id: int) -> HttpResponse:
    exercise = exercise_or_404(exercise_slug)
    found = unexplained.unexplained_example(
        instructor=request.user, exercise=exercise, submission_id=submission_id
    )
    if found is None:
        raise Http404("No such unexplained submission.")
    submission, signature, divergences = found
    form = _form(exercise, submission.pk, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = unexplained.mistake_create_from_submission(
                user=request.user,
                exercise=exercise,
                submission=submission,
                mistake_id=data["mistake_id"],
                title=data["title"],
                hint=data["hint"],
            )
        except AuthoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Added mistakes/{data['mistake_id']}.py to the draft. Validate it, then "
                "publish: the next version names this mistake.",
            )
            return redirect("instructor:draft", draft.pk)
    return render(
        request,
        "exercises/instructor/unexplained_name.html",
        {
            "exercise": exercise,
            "submission": submission,
            "signature": signature,
            "cases": unexplained.case_shapes(divergences),
            "form": form,
            "known": sorted(_taken(exercise)),
        },
        status=400 if request.method == "POST" else 200,
    )
