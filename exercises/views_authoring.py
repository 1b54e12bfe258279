"""Instructor pages for authoring: drafts, validation, publishing, import and export.

A draft's pages open for its author, its co-authors and superusers; for any other
instructor the draft does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises.forms_instructor import (
    LIST_FOLDERS,
    MAIN_FILES,
    BundleFileFormSet,
    DraftForm,
    ImportForm,
    draft_initial,
)
from exercises.models import (
    Exercise,
    ExerciseDraft,
)
from exercises.services import authoring, regrade
from exercises.services.authoring import AuthoringError, Status
from exercises.view_access import exercise_or_404, instructor_json_required, instructor_required


@require_GET
@instructor_required
def exercise_list(request: HttpRequest) -> HttpResponse:
    exercises = (
        Exercise.objects.select_related("current_version", "lesson")
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("slug")
    )
    drafts = (
        authoring.drafts_visible_to(user=request.user)
        .select_related("author", "exercise")
        .order_by("-updated_at")
    )
    regradable = set(
        regrade.exercises_regradable_by(user=request.user).values_list("id", flat=True)
    )
    return render(
        request,
        "exercises/instructor/exercise_list.html",
        {
            "exercises": exercises,
            "drafts": drafts,
            "regradable": regradable,
            "import_form": ImportForm(),
        },
    )


def _draft_or_404(request: HttpRequest, draft_id: int) -> ExerciseDraft:
    draft = authoring.draft_for_user(user=request.user, draft_id=draft_id)
    if draft is None:
        raise Http404("No such draft.")
    return draft


@require_POST
@instructor_required
def draft_new(request: HttpRequest) -> HttpResponse:
    draft = authoring.draft_create(author=request.user)
    return redirect("instructor:draft", draft.pk)


@require_POST
@instructor_required
def exercise_edit(request: HttpRequest, exercise_slug: str) -> HttpResponse:
    exercise = exercise_or_404(exercise_slug)
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
        "coauthors": draft.coauthors.order_by("username"),
    }


@require_http_methods(["GET", "POST"])
@instructor_required
def draft_edit(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
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
    draft = _draft_or_404(request, draft_id)
    authoring.draft_validation_request(draft=draft)
    return redirect("instructor:draft", draft.pk)


@require_GET
@never_cache
@instructor_json_required
def draft_validation(request: HttpRequest, draft_id: int) -> JsonResponse:
    draft = _draft_or_404(request, draft_id)
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
    _draft_or_404(request, draft_id)
    try:
        version = authoring.draft_publish(draft_id=draft_id, user=request.user)
    except AuthoringError as exc:
        messages.error(request, str(exc))
        if authoring.draft_for_user(user=request.user, draft_id=draft_id) is not None:
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
    draft = _draft_or_404(request, draft_id)
    authoring.draft_delete(draft=draft)
    messages.success(request, "Draft deleted.")
    return redirect("instructor:exercises")


@require_POST
@instructor_required
def draft_share(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Add or remove a co-author: another instructor who can then do all the author can."""
    draft = _draft_or_404(request, draft_id)
    action = request.POST.get("action")
    username = request.POST.get("username", "").strip()[:150]
    if action == "add":
        try:
            user = authoring.draft_coauthor_add(draft=draft, username=username)
        except AuthoringError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{user.username} can now open, edit and publish this draft.")
    elif action == "remove":
        if authoring.draft_coauthor_remove(draft=draft, username=username):
            messages.success(request, f"This draft is no longer shared with {username}.")
    else:
        return HttpResponse("Unknown action.", status=400)
    if authoring.draft_for_user(user=request.user, draft_id=draft.pk) is None:
        return redirect("instructor:exercises")  # a co-author who removed themselves
    return redirect("instructor:draft", draft.pk)


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
    exercise = exercise_or_404(exercise_slug)
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
