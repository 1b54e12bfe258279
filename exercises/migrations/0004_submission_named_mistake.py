from django.db import migrations, models

BATCH = 500


def first_named_mistake(result) -> str:
    """The id of the first named mistake in a stored result, or ""."""
    diagnoses = result.get("diagnoses") if isinstance(result, dict) else None
    if isinstance(diagnoses, list) and diagnoses and isinstance(diagnoses[0], dict):
        return str(diagnoses[0].get("mistake") or "")[:100]
    return ""


def backfill_named_mistake(apps, schema_editor):
    Submission = apps.get_model("exercises", "Submission")
    rows = (
        Submission.objects.filter(status="done")
        .exclude(verdict="passed")
        .values_list("id", "result")
        .order_by("id")
    )
    batch = []
    for pk, result in rows.iterator(chunk_size=BATCH):
        name = first_named_mistake(result)
        if name:
            batch.append(Submission(id=pk, named_mistake=name))
        if len(batch) >= BATCH:
            Submission.objects.bulk_update(batch, ["named_mistake"])
            batch = []
    if batch:
        Submission.objects.bulk_update(batch, ["named_mistake"])


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0003_lesson_active"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="named_mistake",
            field=models.CharField(blank=True, default="", editable=False, max_length=100),
        ),
        migrations.RunPython(backfill_named_mistake, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                fields=[
                    "user",
                    "exercise",
                    "mode",
                    "named_mistake",
                    "created_at",
                    "status",
                    "verdict",
                    "score",
                ],
                name="submission_dashboard",
            ),
        ),
    ]
