"""The help-request table is vacuumed after about 1 % of it changed, not PostgreSQL's
20 % (citizens/migrations/0012): its visibility map stays fresh for the queue's
index-only scans."""

import pytest
from django.db import connection

from citizens.models import HelpRequest


@pytest.mark.django_db
def test_the_migrated_table_carries_its_autovacuum_settings() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass",
            [HelpRequest._meta.db_table],
        )
        options = set(cursor.fetchone()[0] or [])
    assert {
        "autovacuum_vacuum_scale_factor=0.01",
        "autovacuum_vacuum_insert_scale_factor=0.01",
        "autovacuum_analyze_scale_factor=0.02",
    } <= options
