"""Drafts get co-authors; a regrade gets finished_at, and one exercise one running regrade.

Regrades from before this migration have no finished_at: those whose items are all
graded are marked finished when they were created; of the others, only the newest of
each exercise stays running (older ones were superseded by it), so the constraint holds.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.utils import timezone


def mark_finished_regrades(apps, schema_editor):
    Regrade = apps.get_model("exercises", "Regrade")
    RegradeItem = apps.get_model("exercises", "RegradeItem")
    pending = RegradeItem.objects.filter(regrade=OuterRef("pk"), done=False)
    for regrade in Regrade.objects.filter(~Exists(pending)).only("id", "created_at"):
        Regrade.objects.filter(pk=regrade.pk).update(finished_at=regrade.created_at)
    running_newest: set[int] = set()
    now = timezone.now()
    for regrade in Regrade.objects.filter(finished_at=None).order_by("-created_at", "-id"):
        if regrade.exercise_id in running_newest:
            Regrade.objects.filter(pk=regrade.pk).update(finished_at=now)
        else:
            running_newest.add(regrade.exercise_id)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0007_cohort_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="exercisedraft",
            name="coauthors",
            field=models.ManyToManyField(
                blank=True, related_name="shared_drafts", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="regrade",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_finished_regrades, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="regrade",
            constraint=models.UniqueConstraint(
                condition=models.Q(("finished_at__isnull", True)),
                fields=("exercise",),
                name="regrade_one_running_per_exercise",
            ),
        ),
    ]
