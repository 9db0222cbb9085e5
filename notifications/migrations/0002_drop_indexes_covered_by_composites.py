"""Drop indexes whose columns lead another index: delivery_kind_object (kind,
object_id) is the start of the unique delivery_unique_reminder, and the
municipality foreign keys' own indexes are the start of delivery_municipality_state
and outbox_municipality_state. Each was one more index entry for every e-mail the
outbox writes. The foreign key constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models

COVERED = [
    ("notifications_delivery_municipality_id_c5112c1e", "delivery"),
    ("notifications_outboxemail_municipality_id_7c0905be", "outboxemail"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0004_region"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="delivery", name="delivery_kind_object"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=(
                        f'CREATE INDEX IF NOT EXISTS "{index}" ON '
                        f'"notifications_{model}" ("municipality_id")'
                    ),
                )
                for index, model in COVERED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="municipality",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="municipalities.municipality",
                    ),
                )
                for _, model in COVERED
            ],
        ),
    ]
