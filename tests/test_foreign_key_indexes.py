"""Foreign keys without an index of their own (`db_index=False`: HelpRequest's
NO_OWN_INDEX, and the others that a composite index leads with) stay covered: in
the model and in the migrated database an index begins with each of their
columns, so their lookups and the checks of their constraints (deleting a user, a
team, a municipality) still find the rows by index. And on the tables a
help-request submission writes, no index is the start of another one: each would
be one more entry to write per row for no query the other does not serve."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import ForeignKey, Model

from citizens.models import NO_OWN_INDEX, HelpRequest


def _no_own_index() -> list[tuple[type[Model], str]]:
    """(model, field name) of every foreign key of the project's own apps that
    has no index of its own."""
    return [
        (model, field.name)
        for model in apps.get_models()
        if not model.__module__.startswith(("django.", "axes.", "django_otp."))
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey) and not field.db_index
    ]


NO_OWN = _no_own_index()
IDS = [f"{model._meta.label}.{name}" for model, name in NO_OWN]


def test_helprequests_listed_ones_are_among_them() -> None:
    assert {name for model, name in NO_OWN if model is HelpRequest} == set(NO_OWN_INDEX)


@pytest.mark.parametrize(("model", "name"), NO_OWN, ids=IDS)
def test_the_model_leads_an_index_with_the_column(
    model: type[Model], name: str
) -> None:
    leading = [
        index
        for index in [*model._meta.indexes, *model._meta.constraints]
        if getattr(index, "fields", None) and index.fields[0] == name
    ]
    assert leading, f"no index of {model._meta.label} begins with {name}"


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "name"), NO_OWN, ids=IDS)
def test_the_database_has_an_index_that_begins_with_the_column(
    model: type[Model], name: str
) -> None:
    column = model._meta.get_field(name).column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    leading = [
        constraint["columns"]
        for constraint in constraints.values()
        if constraint["index"] and constraint["columns"][:1] == [column]
    ]
    assert leading, f"no index begins with {column}"
    # Composites only: a single-column index would be a second index to write.
    assert all(len(columns) > 1 for columns in leading), leading


# Every table a submission writes a row into (or updates a row of).
SUBMISSION_TABLES = [
    "citizens_helprequest",
    "citizens_helprequestdraft",
    "citizens_statuschange",
    "citizens_consent",
    "notifications_delivery",
    "notifications_outboxemail",
]


@pytest.mark.django_db
def test_no_index_of_the_submission_tables_is_the_start_of_another() -> None:
    """An index whose columns lead another full b-tree index of the same table
    serves no query the other does not, and costs one more entry per row written
    (unique ones stay: they hold a constraint)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH idx AS (
                SELECT i.indexrelid, i.indrelid, i.indkey::text AS keys,
                    i.indclass::text AS classes, i.indisunique,
                    i.indpred IS NULL AND i.indexprs IS NULL AS plain,
                    am.amname, c.relname AS name, t.relname AS table_name
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_am am ON am.oid = c.relam
                WHERE t.relname = ANY(%s)
            )
            SELECT a.table_name, a.name, b.name
            FROM idx a JOIN idx b
                ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
            WHERE NOT a.indisunique AND a.plain AND b.plain
                AND a.amname = 'btree' AND b.amname = 'btree'
                AND (b.keys LIKE a.keys || ' %%' OR b.keys = a.keys)
                AND (b.classes LIKE a.classes || ' %%' OR b.classes = a.classes)
            """,
            [SUBMISSION_TABLES],
        )
        covered = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname = ANY(%s)",
            [SUBMISSION_TABLES],
        )
        assert cursor.fetchone()[0] == len(SUBMISSION_TABLES)
    assert covered == []
