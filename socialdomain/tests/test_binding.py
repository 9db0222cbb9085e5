"""The ORM binds its values server-side and its repeated queries become prepared
statements (socialdomain/lib/binding.py), within PostgreSQL's two limits: more
than 65,535 values in one statement, and a kept plan that a migration broke."""

import psycopg
import pytest
from django.db import NotSupportedError, close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from citizens.models import HelpRequestDraft
from municipalities.models import Municipality
from socialdomain.lib.binding import MAX_BOUND_VALUES, forget_broken_plans


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_orms_own_queries_bind_server_side_and_become_prepared() -> None:
    Municipality.objects.create(name="Ormdorp", slug="ormdorp", cbs_code="GM9902")
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    with CaptureQueriesContext(connection) as queries:
        for run in range(threshold + 1):
            # A new value each time: the same text all the same.
            assert not Municipality.objects.filter(slug=f"nergens-{run}").exists()
            assert Municipality.objects.get(slug="ormdorp").name == "Ormdorp"
    # Logged as sent: the values apart, PostgreSQL's placeholders in the SQL.
    exists, get = queries[0]["sql"], queries[1]["sql"]
    assert '"slug" = $2 LIMIT 1' in exists
    assert "nergens" not in exists
    statements = _prepared()
    assert exists in statements
    assert get in statements


@pytest.mark.django_db
def test_a_statement_with_more_values_than_a_bound_one_holds_runs_quoted() -> None:
    kept = HelpRequestDraft.objects.create()
    ids = [kept.pk, *range(-1, -MAX_BOUND_VALUES - 10, -1)]
    assert len(ids) > MAX_BOUND_VALUES

    with CaptureQueriesContext(connection) as queries:
        found = list(HelpRequestDraft.objects.filter(pk__in=ids).values_list("pk"))
        for _ in range(8):  # never prepared, however often it runs
            HelpRequestDraft.objects.filter(pk__in=ids).update(remind_me=True)

    assert found == [(kept.pk,)]
    kept.refresh_from_db()
    assert kept.remind_me is True
    # Quoted into the text as Django's client-side cursor would.
    assert f"{-MAX_BOUND_VALUES - 9}" in queries[0]["sql"]
    assert not any("citizens_helprequestdraft" in text for text in _prepared())


@pytest.mark.django_db
def test_the_largest_bound_statement_is_still_bound() -> None:
    ids = list(range(-1, -MAX_BOUND_VALUES - 1, -1))
    assert len(ids) == MAX_BOUND_VALUES

    with CaptureQueriesContext(connection) as queries:
        assert not HelpRequestDraft.objects.filter(pk__in=ids).values_list("pk")

    assert f"${MAX_BOUND_VALUES}" in queries[0]["sql"]


@pytest.fixture
def plan_table(transactional_db):
    """A table of the test's own, altered from another connection (as a migration
    run by another process would)."""
    url = connection.get_connection_params()
    other = psycopg.connect(
        **{k: v for k, v in url.items() if k not in ("cursor_factory", "context")},
        autocommit=True,
    )
    other.execute("CREATE TABLE binding_plan_test (amount integer)")
    other.execute("INSERT INTO binding_plan_test VALUES (7)")
    yield other
    close_old_connections()
    other.execute("DROP TABLE IF EXISTS binding_plan_test")
    other.close()


def _amount() -> object:
    with connection.cursor() as cursor:
        cursor.execute("SELECT amount FROM binding_plan_test WHERE amount > %s", [0])
        return cursor.fetchone()[0]


def test_a_plan_broken_by_a_migration_fails_once_then_the_connection_is_renewed(
    plan_table: psycopg.Connection,
) -> None:
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    for _ in range(threshold + 1):
        assert _amount() == 7
    assert any("binding_plan_test" in text for text in _prepared())
    assert forget_broken_plans in connection.execute_wrappers
    before = connection.connection

    plan_table.execute("ALTER TABLE binding_plan_test ALTER amount TYPE numeric")
    with pytest.raises(NotSupportedError, match="cached plan must not change"):
        _amount()
    close_old_connections()  # what Django does when the request ends

    assert _amount() == 7  # on a new connection, planned again
    assert connection.connection is not before


def test_the_plan_watch_survives_an_execute_wrapper_block_that_connects(
    transactional_db,
) -> None:
    connection.close()
    seen: list[str] = []

    def note(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        assert Municipality.objects.filter(slug="nergens").count() == 0

    assert seen
    assert note not in connection.execute_wrappers
    assert forget_broken_plans in connection.execute_wrappers
