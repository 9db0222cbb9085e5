"""Drop the foreign keys' own indexes where a composite index leads with the same
column: each was one more index entry for every row written (a submission writes a
status change, consents, and updates its draft) and served no query the composite
does not. Only the index goes: the foreign key constraints stay as they are (an
AlterField would drop and re-add, and so re-check, each constraint)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Index name, the model and field whose state changes to db_index=False.
COVERED = [
    ("citizens_consent_help_request_id_1d7adf8a", "consent", "help_request"),
    ("citizens_helprequestdraft_owner_id_53a0d0ec", "helprequestdraft", "owner"),
    ("citizens_statuschange_help_request_id_6b288858", "statuschange", "help_request"),
]

FIELDS = {
    "consent": models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="consents",
        to="citizens.helprequest",
    ),
    "helprequestdraft": models.ForeignKey(
        blank=True,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="help_request_drafts",
        to=settings.AUTH_USER_MODEL,
    ),
    "statuschange": models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="status_changes",
        to="citizens.helprequest",
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0013_draft_checked_answers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=(
                        f'CREATE INDEX IF NOT EXISTS "{index}" ON "citizens_{model}" '
                        f'("{field}_id")'
                    ),
                )
                for index, model, field in COVERED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name=model, name=field, field=FIELDS[model]
                )
                for _, model, field in COVERED
            ],
        )
    ]
