"""Instructors' forms: an assignment with its items, and a student's extension.

Times are typed as wall-clock times in a chosen zone (the browser's by default) and
stored in UTC.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import cache

from django import forms
from django.core.exceptions import ValidationError

from courses.models import Assignment, AssignmentItem
from courses.services import ItemSpec
from exercises.models import Exercise, Lesson

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


@cache
def zone_choices() -> list[tuple[str, str]]:
    zones = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(zone, zone.replace("_", " ")) for zone in zones]


def local_input(value: datetime | None, zone: str) -> str:
    """An aware datetime as the value of a datetime-local input in `zone`."""
    if value is None:
        return ""
    return value.astimezone(zoneinfo.ZoneInfo(zone)).strftime(LOCAL_INPUT)


class LocalDateTimeField(forms.CharField):
    """A datetime-local value, still naive: the form's clean() gives it its zone."""

    # Whole seconds may be typed (step 1), though the picker shows minutes.
    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format=LOCAL_INPUT)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        for layout in (LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
            try:
                return datetime.strptime(value, layout)
            except ValueError:
                continue
        raise ValidationError("Enter a date and time, e.g. 2026-12-04T23:59.")


class ZonedForm(forms.Form):
    time_zone = forms.ChoiceField(
        choices=zone_choices,
        help_text="The zone the times above are in; students see them in their own.",
    )
    zoned_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        if zone:
            tz = zoneinfo.ZoneInfo(zone)
            for name in self.zoned_fields:
                naive = cleaned.get(name)
                if naive is not None:
                    cleaned[name] = naive.replace(tzinfo=tz).astimezone(UTC)
        return cleaned


class AssignmentForm(ZonedForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    opens_at = LocalDateTimeField(label="Opens")
    due_at = LocalDateTimeField(label="Due")
    late_policy = forms.ChoiceField(
        choices=Assignment.LatePolicy.choices, widget=forms.RadioSelect, label="Late work"
    )
    penalty_percent_per_day = forms.IntegerField(
        min_value=0, max_value=100, initial=10, label="Penalty per day late (%)"
    )
    penalty_cap_percent = forms.IntegerField(
        min_value=0, max_value=100, initial=50, label="Penalty at most (%)"
    )
    closes_at = LocalDateTimeField(
        label="Hard close",
        required=False,
        help_text="Nothing is accepted after it. Needed for full late credit; "
        "optional with a penalty.",
    )
    zoned_fields = ("opens_at", "due_at", "closes_at")

    def __init__(self, *args, assignment: Assignment | None = None, **kwargs):
        self.exercises = list(
            Exercise.objects.filter(current_version__isnull=False)
            .select_related("current_version", "lesson")
            .order_by("lesson__track__position", "lesson__position", "position", "slug")
        )
        self.lessons = list(
            Lesson.objects.filter(active=True, quiz_items__active=True)
            .distinct()
            .order_by("track__position", "position")
        )
        initial = kwargs.pop("initial", {}) or {}
        chosen: dict[str, AssignmentItem] = {}
        if assignment is not None:
            zone = assignment.time_zone
            initial.update(
                title=assignment.title,
                description=assignment.description,
                time_zone=zone,
                opens_at=local_input(assignment.opens_at, zone),
                due_at=local_input(assignment.due_at, zone),
                closes_at=local_input(assignment.closes_at, zone),
                late_policy=assignment.late_policy,
                penalty_percent_per_day=assignment.penalty_percent_per_day,
                penalty_cap_percent=assignment.penalty_cap_percent,
            )
            for item in assignment.items.all():
                key = (
                    f"exercise_{item.exercise_id}" if item.exercise_id else f"quiz_{item.lesson_id}"
                )
                chosen[key] = item
        initial.setdefault("late_policy", Assignment.LatePolicy.NONE)
        initial.setdefault("time_zone", "UTC")
        super().__init__(*args, initial=initial, **kwargs)
        self.browser_zone = assignment is None and not self.is_bound
        for exercise in self.exercises:
            self._item_fields(f"exercise_{exercise.pk}", chosen)
        for lesson in self.lessons:
            self._item_fields(f"quiz_{lesson.pk}", chosen)

    def _item_fields(self, key: str, chosen: dict[str, AssignmentItem]) -> None:
        item = chosen.get(key)
        self.fields[f"{key}_points"] = forms.IntegerField(
            min_value=1, max_value=1000, required=False, label="Points"
        )
        self.fields[f"{key}_counts"] = forms.ChoiceField(
            choices=AssignmentItem.Counts.choices, label="Counts", required=False
        )
        if item is not None:
            self.initial[f"{key}_points"] = item.points
            self.initial[f"{key}_counts"] = item.counts
        else:
            self.initial.setdefault(f"{key}_counts", AssignmentItem.Counts.BEST)

    def item_rows(self):
        """(label, kind, points field, counts field) for the template, in course order."""
        for exercise in self.exercises:
            key = f"exercise_{exercise.pk}"
            yield exercise.title, "exercise", self[f"{key}_points"], self[f"{key}_counts"]
        for lesson in self.lessons:
            key = f"quiz_{lesson.pk}"
            yield f"Quiz: {lesson.title}", "quiz", self[f"{key}_points"], self[f"{key}_counts"]

    def clean(self):
        cleaned = super().clean()
        opens, due, closes = (cleaned.get(n) for n in ("opens_at", "due_at", "closes_at"))
        policy = cleaned.get("late_policy")
        if opens and due and due < opens:
            self.add_error("due_at", "The due time must come after the opening time.")
        if due and closes and closes < due:
            self.add_error("closes_at", "The hard close must come after the due time.")
        if policy == Assignment.LatePolicy.ACCEPT and not closes:
            self.add_error("closes_at", "Full late credit needs a hard close.")
        if not self.items():
            raise ValidationError("Give points to at least one exercise or quiz.")
        return cleaned

    def items(self) -> list[ItemSpec]:
        specs = []
        data = self.cleaned_data
        for exercise in self.exercises:
            key = f"exercise_{exercise.pk}"
            if data.get(f"{key}_points"):
                specs.append(
                    ItemSpec(
                        points=data[f"{key}_points"],
                        counts=data.get(f"{key}_counts") or "best",
                        exercise_id=exercise.pk,
                    )
                )
        for lesson in self.lessons:
            key = f"quiz_{lesson.pk}"
            if data.get(f"{key}_points"):
                specs.append(
                    ItemSpec(
                        points=data[f"{key}_points"],
                        counts=data.get(f"{key}_counts") or "best",
                        lesson_id=lesson.pk,
                    )
                )
        return specs

    def assignment_fields(self) -> dict:
        data = self.cleaned_data
        policy = data["late_policy"]
        return {
            "title": data["title"],
            "description": data["description"],
            "time_zone": data["time_zone"],
            "opens_at": data["opens_at"],
            "due_at": data["due_at"],
            "closes_at": data["closes_at"] if policy != Assignment.LatePolicy.NONE else None,
            "late_policy": policy,
            "penalty_percent_per_day": data["penalty_percent_per_day"],
            "penalty_cap_percent": data["penalty_cap_percent"],
        }


class ExtensionForm(ZonedForm):
    student = forms.ChoiceField(label="Student")
    due_at = LocalDateTimeField(label="New due time")
    reason = forms.CharField(max_length=200, required=False)
    zoned_fields = ("due_at",)

    def __init__(self, *args, usernames: list[str], zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [(name, name) for name in usernames]
        self.initial.setdefault("time_zone", zone)
