"""CompiledQueries: a queryset's SQL compiled once per key, its rows read fresh
every time."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from citizens.models import HelpRequestDraft
from municipalities.models import District, Municipality, Neighbourhood
from socialdomain.lib.compiled import (
    CompiledQueries,
    PreparedModels,
    PreparedQuery,
    numbered,
    preparing_cursor,
    write_in,
    write_sql,
)

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


def test_a_prepared_query_runs_its_sql_with_each_calls_values() -> None:
    built = []

    def build(name: str):  # type: ignore[no-untyped-def]
        built.append(name)
        return Municipality.objects.filter(name=name).values_list("slug")

    prepared = PreparedQuery(build, "prepared:name")
    Municipality.objects.create(name="Testdorp", slug="testdorp", cbs_code="GM9901")
    Municipality.objects.create(name="Teststad", slug="teststad", cbs_code="GM9902")

    with CaptureQueriesContext(connection) as captured:
        assert prepared.rows("Testdorp") == [("testdorp",)]
        assert prepared.rows("Teststad") == [("teststad",)]
        assert prepared.rows("Nergens") == []

    assert len(captured) == 3
    # Compiled once, with the stand-in; the SQL that ran had the real values.
    assert built == ["prepared:name"]
    assert "prepared:name" not in " ".join(query["sql"] for query in captured)


def test_a_prepared_query_keeps_its_other_parameters() -> None:
    prepared = PreparedQuery(
        lambda name: Municipality.objects.filter(
            name=name, slug__startswith="test"
        ).values_list("slug"),
        "prepared:name",
    )
    Municipality.objects.create(name="Testdorp", slug="testdorp", cbs_code="GM9901")
    Municipality.objects.create(name="Andersdorp", slug="andersdorp", cbs_code="GM9903")

    assert prepared.rows("Testdorp") == [("testdorp",)]
    assert prepared.rows("Andersdorp") == []


def test_a_stand_in_that_is_not_a_parameter_fails_loudly() -> None:
    # An integer stand-in for a text field comes out as text: no slot for it, so
    # the query would have run with the stand-in itself.
    prepared = PreparedQuery(
        lambda name: Municipality.objects.filter(name=name).values_list("slug"), 123
    )

    with pytest.raises(ValueError, match="stand-ins"):
        prepared.rows("Testdorp")


def test_a_prepared_query_wants_one_value_per_stand_in() -> None:
    prepared = PreparedQuery(
        lambda name: Municipality.objects.filter(name=name).values_list("slug"),
        "prepared:name",
    )

    with pytest.raises(TypeError):
        prepared.rows("Testdorp", "Teststad")


def test_the_sql_run_again_and_again_becomes_a_prepared_statement() -> None:
    Municipality.objects.create(name="Testdorp", slug="testdorp", cbs_code="GM9901")
    compiled = CompiledQueries()
    prepared = PreparedQuery(
        lambda name: Municipality.objects.filter(name=name).values_list("slug"),
        "prepared:name",
    )
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold is not None

    for _ in range(threshold + 1):
        assert compiled.rows(
            "test",
            lambda: Municipality.objects.filter(name="Testdorp").values_list("slug"),
        ) == [("testdorp",)]
        assert prepared.rows("Testdorp") == [("testdorp",)]

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    # The compiled SQL with its value written in; the prepared one with a slot.
    assert any("'Testdorp'" in sql for sql in statements), statements
    assert any(
        "$1" in sql and "municipalities_municipality" in sql for sql in statements
    )


def test_model_rows_make_the_instance_the_orm_makes_json_included() -> None:
    from citizens.access import _DRAFT_BY_PUBLIC_ID, _DRAFTS
    from citizens.models import HelpRequestDraft

    answers = {"situation": {"life_events": ["illness"], "story": "Één regel"}}
    saved = HelpRequestDraft.objects.create(answers=answers, email="a@example.nl")

    loaded = _DRAFTS.instance(_DRAFT_BY_PUBLIC_ID.rows(saved.public_id)[0])
    by_orm = HelpRequestDraft.objects.get(pk=saved.pk)

    assert loaded.answers == answers
    assert {c: getattr(loaded, c) for c in _DRAFTS.columns} == {
        c: getattr(by_orm, c) for c in _DRAFTS.columns
    }
    assert not loaded._state.adding
    assert loaded._state.db == "default"
    loaded.email = "b@example.nl"
    loaded.save(update_fields=["email"])
    assert HelpRequestDraft.objects.get(pk=saved.pk).email == "b@example.nl"
    assert _DRAFT_BY_PUBLIC_ID.rows(HelpRequestDraft().public_id) == []


def test_numbered_gives_postgresql_placeholders_and_refuses_named_ones() -> None:
    assert numbered("SELECT %s::int, %s, 'a'") == "SELECT $1::int, $2, 'a'"
    # Kept per text: the same object for the same SQL.
    assert numbered("SELECT %s") is numbered("SELECT %s")
    # A doubled percent (in a value written in) is a percent sign again.
    assert numbered("SELECT 1 WHERE x LIKE 'a%%' AND y = %s") == (
        "SELECT 1 WHERE x LIKE 'a%' AND y = $1"
    )
    with pytest.raises(ValueError, match="only %s"):
        numbered("SELECT %(name)s")


def test_write_in_writes_every_value_but_the_slots_and_runs_both_ways() -> None:
    sql, kept = write_in(
        "SELECT %s::text, %s::int, %s::text, %s::text",
        ["50% 'a'", 7, "kept", None],
        [None, None, 0, None],
    )
    assert sql == "SELECT '50%% ''a'''::text, 7::int, %s::text, NULL::text"
    assert kept == (("kept", 0),)
    with connection.cursor() as cursor:
        cursor.execute(sql, ["b"])
        assert cursor.fetchone() == ("50% 'a'", 7, "b", None)
    with preparing_cursor(raw=True) as cursor:
        cursor.execute(numbered(sql), ["c"])
        assert cursor.fetchone() == ("50% 'a'", 7, "c", None)
    with pytest.raises(ValueError, match="more parameters"):
        write_in("SELECT %s", [1, 2], [None, None])


def test_write_sql_puts_sql_in_the_markers_places_and_keeps_the_rest() -> None:
    marker = "\x00marker"
    sql, kept = write_sql(
        "SELECT %s::int, upper(%s), %s::text, '100%%'",
        [1, marker, "kept"],
        {marker: "SELECT 'x' || 'y'"},
    )
    assert sql == "SELECT %s::int, upper((SELECT 'x' || 'y')), %s::text, '100%%'"
    assert kept == [1, "kept"]
    with connection.cursor() as cursor:
        cursor.execute(sql, kept)
        assert cursor.fetchone() == (1, "XY", "kept", "100%")
    # Only a marker string is replaced: the same text as another type is a value.
    assert write_sql("SELECT %s", [b"\x00marker"], {marker: "1"})[1] == [b"\x00marker"]
    with pytest.raises(ValueError, match="more parameters"):
        write_sql("SELECT %s", [1, 2], {})
    with pytest.raises(ValueError, match="only %s placeholders"):
        write_sql("SELECT %(name)s", [1], {})


def test_a_raw_cursor_runs_numbered_sql_with_its_values() -> None:
    with preparing_cursor(raw=True) as cursor:
        cursor.execute(numbered("SELECT %s::int + %s::int, %s::text"), [2, 3, "x"])
        assert cursor.fetchone() == (5, "x")


def _fields(obj):  # type: ignore[no-untyped-def]
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.fields}


def _two_districts() -> tuple[District, District]:
    municipality = Municipality.objects.create(
        name="Testdorp", slug="testdorp", cbs_code="GM9901"
    )
    east, west = (
        District.objects.create(municipality=municipality, name=name, cbs_code=code)
        for name, code in (("Oost", "WK990101"), ("West", "WK990102"))
    )
    for district, names in ((east, ("Haven", "Dijk", "Molen")), (west, ("Bos",))):
        for number, name in enumerate(names):
            Neighbourhood.objects.create(
                district=district,
                name=name,
                cbs_code=f"BU{district.cbs_code[2:]}{number:02d}",
                population=100 * (number + 1),
            )
    return east, west


def test_prepared_models_are_the_querysets_instances_with_their_related_rows() -> None:
    east, west = _two_districts()
    built = []

    def build(district_id: int):  # type: ignore[no-untyped-def]
        built.append(district_id)
        return Neighbourhood.objects.filter(district_id=district_id).select_related(
            "district__municipality__region"
        )

    prepared = PreparedModels(build, -1)

    for district in (east, west):
        expected = list(build(district.pk))
        with CaptureQueriesContext(connection) as captured:
            got = prepared.instances(district.pk)
            # The related rows came with them (the null region too): no query.
            related = [
                (
                    n.district.name,
                    n.district.municipality.slug,
                    n.district.municipality.region,
                )
                for n in got
            ]
        assert len(captured) == 1
        assert [_fields(n) for n in got] == [_fields(n) for n in expected]
        assert related == [
            (n.district.name, n.district.municipality.slug, None) for n in expected
        ]
        assert all(not n._state.adding and n._state.db == "default" for n in got)
    # In the model's order (district name, then name), as the queryset has it.
    assert [n.name for n in prepared.instances(east.pk)] == ["Dijk", "Haven", "Molen"]
    assert prepared.instances(-2) == []
    # Compiled once, with the stand-in (the other builds are the expected lists
    # above); every later call ran the kept SQL.
    assert built == [east.pk, -1, west.pk]


def test_prepared_models_convert_columns_and_keep_annotations() -> None:
    east, _west = _two_districts()
    draft = HelpRequestDraft.objects.create(answers={"story": {"text": "Hulp"}})
    drafts = PreparedModels(lambda pk: HelpRequestDraft.objects.filter(pk=pk), -1)
    districts = PreparedModels(
        lambda pk: District.objects.filter(pk=pk).annotate(
            size=Count("neighbourhoods")
        ),
        -1,
    )

    (got,) = drafts.instances(draft.pk)
    (counted,) = districts.instances(east.pk)

    # jsonb is read as text and decoded by the field, as the ORM does.
    assert got.answers == {"story": {"text": "Hulp"}}
    assert _fields(got) == _fields(HelpRequestDraft.objects.get(pk=draft.pk))
    assert counted.size == 3


def test_prepared_models_set_the_object_they_belong_to() -> None:
    east, _west = _two_districts()
    prepared = PreparedModels(
        lambda district_id: Neighbourhood.objects.filter(district_id=district_id), -1
    )

    got = prepared.instances(east.pk, known={"district": east})

    with CaptureQueriesContext(connection) as captured:
        assert all(n.district is east for n in got)
    assert len(captured) == 0


def test_bound_values_share_one_sql_and_written_in_values_keep_their_percent() -> None:
    from django.db.models import F, Value
    from django.db.models.lookups import GreaterThan

    compiled = CompiledQueries()
    made = [
        Municipality.objects.create(
            name=f"Te%st {n}", slug=f"test-{n}", cbs_code=f"GM99{n:02d}"
        )
        for n in range(4)
    ]
    built = []

    def build(after: int):  # type: ignore[no-untyped-def]
        built.append(after)
        # A literal % written into the SQL, and an int that comes out wrapped
        # (Value gives psycopg's Int4).
        return (
            Municipality.objects.filter(name__startswith="Te%st")
            .filter(GreaterThan(F("pk"), Value(after)))
            .order_by("pk")
            .values_list("pk")
        )

    with CaptureQueriesContext(connection) as captured:
        rows = [
            compiled.rows("after", build, values=[made[n].pk], stand_ins=[-917_203])
            for n in range(3)
        ]

    assert rows == [[(m.pk,) for m in made[n + 1 :]] for n in range(3)]
    assert built == [-917_203]
    assert len({query["sql"] for query in captured}) == 1
    Municipality.objects.create(name="Test", slug="t", cbs_code="GM9990")
    assert compiled.rows("after", build, values=[0], stand_ins=[-917_203]) == [
        (m.pk,) for m in made
    ]


def test_a_stand_in_missing_from_the_sql_fails_loudly() -> None:
    compiled = CompiledQueries()
    with pytest.raises(ValueError, match="stand-ins not among"):
        compiled.rows(
            "x",
            lambda after: Municipality.objects.values_list("pk"),
            values=[1],
            stand_ins=[-917_204],
        )


def test_a_prepared_query_takes_an_int_stand_in_that_comes_out_typed() -> None:
    from django.db.models import F, Value
    from django.db.models.lookups import GreaterThan

    made = [
        Municipality.objects.create(
            name=f"T{n}", slug=f"t-{n}", cbs_code=f"GM98{n:02d}"
        )
        for n in range(3)
    ]
    prepared = PreparedQuery(
        lambda after: (
            Municipality.objects.filter(
                GreaterThan(F("pk"), Value(after)), slug__startswith="t-"
            )
            .order_by("pk")
            .values_list("pk")
        ),
        -917_205,
    )

    assert prepared.rows(made[0].pk) == [(made[1].pk,), (made[2].pk,)]
    assert prepared.rows(made[1].pk) == [(made[2].pk,)]
