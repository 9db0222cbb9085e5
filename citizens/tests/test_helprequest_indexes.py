"""The foreign keys of HelpRequest that have no index of their own (NO_OWN_INDEX)
stay covered: in the model and in the migrated database, an index begins with each
of their columns, so their lookups and the checks of their constraints (deleting a
user or a team) still find the rows by index."""

import pytest
from django.db import connection

from citizens.models import NO_OWN_INDEX, HelpRequest


@pytest.mark.parametrize("name", NO_OWN_INDEX)
def test_the_model_leads_an_index_with_the_column(name: str) -> None:
    field = HelpRequest._meta.get_field(name)
    assert field.many_to_one and not field.db_index
    leading = [index for index in HelpRequest._meta.indexes if index.fields[0] == name]
    assert leading, f"no index of HelpRequest.Meta.indexes begins with {name}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", NO_OWN_INDEX)
def test_the_database_has_an_index_that_begins_with_the_column(name: str) -> None:
    column = HelpRequest._meta.get_field(name).column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, HelpRequest._meta.db_table
        )
    leading = [
        constraint["columns"]
        for constraint in constraints.values()
        if constraint["index"] and constraint["columns"][:1] == [column]
    ]
    assert leading, f"no index begins with {column}"
    # Composites only: the single-column index the migration dropped would be a
    # second index to write with every request sent.
    assert all(len(columns) > 1 for columns in leading), leading
