"""CompiledQueries: a queryset's SQL compiled once per key, its rows read fresh
every time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from municipalities.models import Municipality
from socialdomain.lib.compiled import CompiledQueries

pytestmark = pytest.mark.django_db


def test_rows_are_those_of_the_queryset_and_always_current() -> None:
    compiled = CompiledQueries()
    built = []

    def build():  # type: ignore[no-untyped-def]
        built.append(1)
        return Municipality.objects.filter(name__startswith="Test").values_list(
            "pk", "name"
        )

    assert compiled.rows("test", build) == []
    first = Municipality.objects.create(
        name="Testdorp", slug="testdorp", cbs_code="GM9901"
    )
    second = Municipality.objects.create(
        name="Teststad", slug="teststad", cbs_code="GM9902"
    )

    with CaptureQueriesContext(connection) as captured:
        rows = compiled.rows("test", build)

    assert sorted(rows) == [(first.pk, "Testdorp"), (second.pk, "Teststad")]
    assert len(captured) == 1
    # Compiled once, for the first call; the later one ran the kept SQL.
    assert len(built) == 1


def test_each_key_has_its_own_sql_and_the_oldest_are_forgotten() -> None:
    compiled = CompiledQueries(size=2)
    Municipality.objects.create(name="Testdorp", slug="testdorp", cbs_code="GM9901")
    calls = []

    def named(name: str):  # type: ignore[no-untyped-def]
        def build():  # type: ignore[no-untyped-def]
            calls.append(name)
            return Municipality.objects.filter(name=name).values_list("name")

        return build

    assert compiled.rows("a", named("Testdorp")) == [("Testdorp",)]
    assert compiled.rows("b", named("Elders")) == []
    assert compiled.rows("a", named("Testdorp")) == [("Testdorp",)]
    compiled.rows("c", named("Elders"))  # "b" is now the least recently used
    compiled.rows("a", named("Testdorp"))
    compiled.rows("b", named("Elders"))
    assert calls == ["Testdorp", "Elders", "Elders", "Elders"]


def test_a_queryset_that_cannot_have_rows_runs_no_query() -> None:
    compiled = CompiledQueries()
    with CaptureQueriesContext(connection) as captured:
        assert compiled.rows("none", lambda: Municipality.objects.none()) == []
        assert compiled.rows("none", lambda: Municipality.objects.none()) == []
    assert len(captured) == 0
