"""Forms of the instructor pages (and the students' join form)."""

from __future__ import annotations

import re

from django import forms
from django.forms import formset_factory

from exercises.models import Track
from exercises.params import validate_date_in_range
from exercises.services.authoring import FILE_ID_RE, MAX_ZIP_BYTES, NEW_MISTAKE_SOURCE

MAIN_FILES = {
    "exercise_toml": "exercise.toml",
    "prompt_md": "prompt.md",
    "starter_py": "starter.py",
    "solution_py": "solution.py",
}
LIST_FOLDERS = ("mistakes", "agreement")


class CohortForm(forms.Form):
    name = forms.CharField(max_length=200)
    track = forms.ModelChoiceField(
        queryset=Track.objects.all(),
        required=False,
        empty_label="All lessons (no track)",
        help_text="The dashboard shows this track's lessons and their exercises.",
    )


class RosterAddForm(forms.Form):
    usernames = forms.CharField(
        max_length=5000,
        label="Invite students by username",
        help_text=(
            "One or more usernames, separated by spaces, commas or new lines. Each student "
            "joins only by accepting; or share the join code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_usernames(self) -> list[str]:
        names = [n for n in re.split(r"[\s,;]+", self.cleaned_data["usernames"]) if n]
        if not names:
            raise forms.ValidationError("Enter at least one username.")
        if len(names) > 200:
            raise forms.ValidationError("Invite at most 200 students at a time.")
        return names


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        label="Join code",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class DashboardFilterForm(forms.Form):
    lesson = forms.ChoiceField(required=False, label="Lesson")
    start = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    end = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, lessons=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [("", "All lessons")] + [
            (lesson.slug, lesson.title) for lesson in lessons
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


def _code_area(rows: int = 14, *, python: bool = False) -> forms.Textarea:
    return forms.Textarea(
        attrs={
            "rows": rows,
            "spellcheck": "false",
            "autocapitalize": "off",
            "autocomplete": "off",
            "wrap": "off",
            # instructor.js mounts the code editor on Python files.
            "class": "code-area python-editor" if python else "code-area",
        }
    )


class DraftForm(forms.Form):
    exercise_toml = forms.CharField(
        label="exercise.toml",
        strip=False,
        widget=_code_area(24),
        help_text="Metadata, grading spec, tolerances, limits and cases "
        "(hidden = true makes a case hidden).",
    )
    prompt_md = forms.CharField(
        label="prompt.md", strip=False, widget=_code_area(10), help_text="Markdown with $math$."
    )
    starter_py = forms.CharField(
        label="starter.py",
        strip=False,
        widget=_code_area(python=True),
        help_text="What students start from; it must fail.",
    )
    solution_py = forms.CharField(
        label="solution.py",
        strip=False,
        widget=_code_area(python=True),
        help_text="The reference; it must pass every case.",
    )


class BundleFileForm(forms.Form):
    """One file of a list folder (a mistake, an agreement program): its id and source."""

    file_id = forms.CharField(
        max_length=80,
        required=False,
        label="Id",
        help_text="The file name without .py, e.g. decay-after-update.",
        widget=forms.TextInput(attrs={"class": "file-id", "autocomplete": "off"}),
    )
    source = forms.CharField(
        required=False, strip=False, label="Code", widget=_code_area(12, python=True)
    )

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        file_id, source = data.get("file_id", "").strip(), data.get("source", "")
        if not file_id and source.strip() and source.strip() != NEW_MISTAKE_SOURCE.strip():
            self.add_error("file_id", "Give this file an id.")
        if file_id and not FILE_ID_RE.match(file_id):
            self.add_error("file_id", "Use letters, digits, dashes and underscores only.")
        if file_id and not source.strip():
            self.add_error("source", "This file is empty.")
        data["file_id"] = file_id
        return data


class _BaseFileFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            file_id = form.cleaned_data.get("file_id")
            if file_id:
                if file_id in seen:
                    raise forms.ValidationError(f"Two files are called {file_id!r}.")
                seen.add(file_id)

    def bundle_files(self, folder: str) -> dict[str, str]:
        out = {}
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            file_id = form.cleaned_data.get("file_id")
            if file_id:
                out[f"{folder}/{file_id}.py"] = form.cleaned_data["source"]
        return out


BundleFileFormSet = formset_factory(
    BundleFileForm, formset=_BaseFileFormSet, extra=0, can_delete=True, max_num=60
)


def draft_initial(files: dict[str, str]) -> tuple[dict, dict[str, list[dict]], dict[str, str]]:
    """Split a draft's files into the main form, the list folders and the other files."""
    main = {field: files.get(name, "") for field, name in MAIN_FILES.items()}
    lists: dict[str, list[dict]] = {folder: [] for folder in LIST_FOLDERS}
    other = {}
    for name in sorted(files):
        if name in MAIN_FILES.values():
            continue
        folder, _, rest = name.partition("/")
        if folder in lists and rest.endswith(".py") and "/" not in rest:
            lists[folder].append({"file_id": rest.removesuffix(".py"), "source": files[name]})
        else:
            other[name] = files[name]
    return main, lists, other


class ImportForm(forms.Form):
    bundle = forms.FileField(
        label="Bundle zip",
        help_text=f"A zip of one bundle directory, at most {MAX_ZIP_BYTES // (1 << 20)} MiB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
