"""The functional administrator searches the access log of their own municipality:
who looked at which help request, when and why. Nothing of another municipality."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import translation

from accounts.access_log import PAGE_SIZE
from accounts.models import User
from citizens.models import AccessPurpose, FileAccess, HelpRequest
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place

URL = "/accounts/administration/access-log/"
LELYSTAD_REASON = "ZZ-LELYSTAD-MARKER reden"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _request_in(place: Place) -> HelpRequest:
    return HelpRequestFactory(
        municipality=place.municipality, neighbourhood=place.neighbourhood
    )


def _look(
    help_request: HelpRequest,
    user: User,
    at: datetime,
    purpose: str = AccessPurpose.HANDLE,
    reason: str = "",
) -> FileAccess:
    return FileAccess.objects.create(
        help_request=help_request,
        user=user,
        role=user.role,
        acting_for_municipality_id=user.municipality_id,
        acting_for_team_id=user.team_id,
        acting_for_organisation_id=user.organisation_id,
        purpose=purpose,
        reason=reason,
        at=at,
    )


def _ats(response: Any) -> list[datetime]:
    return [row["at"] for row in response.context["page"].rows]


@pytest.fixture
def log(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> dict[str, Any]:
    first, second = _request_in(den_helder), _request_in(den_helder)
    lelystad_request = _request_in(lelystad)
    looks = {
        "handle": _look(
            first, everyone["caseworker"], datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        ),
        "overview": _look(
            second,
            everyone["team_lead"],
            datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
            AccessPurpose.TEAM_OVERVIEW,
        ),
        # 23:30 UTC on 10 March is 00:30 on 11 March in Den Helder.
        "outside": _look(
            second,
            everyone["caseworker"],
            datetime(2026, 3, 10, 23, 30, tzinfo=UTC),
            AccessPurpose.OUTSIDE_CASELOAD,
            "Collega Lotte is ziek",
        ),
        "document": _look(
            first,
            everyone["other_team_caseworker"],
            datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
            AccessPurpose.DOCUMENT,
        ),
        "lelystad": _look(
            lelystad_request,
            everyone["lelystad_caseworker"],
            datetime(2026, 3, 11, 9, 0, tzinfo=UTC),
            AccessPurpose.OUTSIDE_CASELOAD,
            LELYSTAD_REASON,
        ),
    }
    return {
        "first": first,
        "second": second,
        "lelystad_request": lelystad_request,
        **looks,
    }


def test_admin_sees_the_municipalitys_log_newest_first_with_who_what_and_why(
    everyone: dict[str, User], log: dict[str, Any]
) -> None:
    response = _client(everyone["functional_admin"]).get(URL)

    assert response.status_code == 200
    assert _ats(response) == [
        log[name].at for name in ("document", "outside", "overview", "handle")
    ]
    html = response.content.decode().split('data-testid="access-log"')[1]
    for text in (
        everyone["caseworker"].full_name,
        everyone["team_lead"].full_name,
        log["second"].reference,
        "Collega Lotte is ziek",
    ):
        assert text in html
    outside = response.context["page"].rows[1]
    with translation.override("nl"):
        assert outside["purpose"] == str(AccessPurpose.OUTSIDE_CASELOAD.label)
    assert outside["staff"] == everyone["caseworker"].full_name


def test_nothing_of_another_municipality_is_shown_or_selectable(
    everyone: dict[str, User], log: dict[str, Any]
) -> None:
    client = _client(everyone["functional_admin"])

    html = client.get(URL).content.decode()
    by_reference = client.get(URL, {"reference": log["lelystad_request"].reference})
    by_staff = client.get(
        URL, {"staff": str(everyone["lelystad_caseworker"].public_id)}
    )

    for marker in (
        LELYSTAD_REASON,
        log["lelystad_request"].reference,
        everyone["lelystad_caseworker"].full_name,
        everyone["lelystad_admin"].full_name,
    ):
        assert marker not in html
    assert by_reference.status_code == 200
    assert by_reference.context["page"].rows == []
    assert by_staff.status_code == 400
    assert 'id="id_staff_error"' in by_staff.content.decode()


def test_lelystads_admin_sees_only_lelystad(
    everyone: dict[str, User], log: dict[str, Any]
) -> None:
    response = _client(everyone["lelystad_admin"]).get(URL)

    assert _ats(response) == [log["lelystad"].at]
    assert everyone["caseworker"].full_name not in response.content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"reference": "first"}, ["document", "handle"]),
        ({"staff": "caseworker"}, ["outside", "handle"]),
        ({"purpose": AccessPurpose.OUTSIDE_CASELOAD}, ["outside"]),
        ({"date_from": "2026-03-11"}, ["document", "outside"]),
        ({"date_to": "2026-03-10"}, ["overview", "handle"]),
        ({"date_from": "2026-03-05", "date_to": "2026-03-05"}, ["overview"]),
        ({"staff": "caseworker", "purpose": AccessPurpose.DOCUMENT}, []),
    ],
)
def test_search_by_reference_staff_date_and_purpose(
    filters: dict[str, str],
    expected: list[str],
    everyone: dict[str, User],
    log: dict[str, Any],
) -> None:
    query = dict(filters)
    if "reference" in query:
        # Typed in lower case: references are matched as written on letters.
        query["reference"] = log[query["reference"]].reference.lower()
    if "staff" in query:
        query["staff"] = str(everyone[query["staff"]].public_id)

    response = _client(everyone["functional_admin"]).get(URL, query)

    assert response.status_code == 200
    assert _ats(response) == [log[name].at for name in expected]


def test_pages_walk_the_whole_log_newest_first_without_gaps_or_repeats(
    everyone: dict[str, User], den_helder: Place
) -> None:
    help_request = _request_in(den_helder)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Some looks share a moment, across the boundary of the first page.
    moments = [start + timedelta(minutes=n) for n in range(2 * PAGE_SIZE + 10)]
    moments[-PAGE_SIZE - 3 : -PAGE_SIZE + 3] = [moments[-PAGE_SIZE]] * 6
    FileAccess.objects.bulk_create(
        FileAccess(
            help_request=help_request,
            user=everyone["caseworker"],
            role="caseworker",
            purpose=AccessPurpose.HANDLE,
            reason=f"look {n}",
            at=at,
        )
        for n, at in enumerate(moments)
    )
    expected = list(
        FileAccess.objects.order_by("-at", "-pk").values_list("reason", flat=True)
    )
    client = _client(everyone["functional_admin"])

    seen: list[str] = []
    query = ""
    pages = 0
    while True:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200
        seen += [row["reason"] for row in response.context["page"].rows]
        pages += 1
        query = response.context.get("next_page_query", "")
        if not query:
            break
        assert f'href="?{query}"' in response.content.decode()

    assert seen == expected
    assert pages == 3


def test_older_pages_keep_the_filters(
    everyone: dict[str, User], den_helder: Place
) -> None:
    help_request = _request_in(den_helder)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for purpose in (AccessPurpose.HANDLE, AccessPurpose.DOCUMENT):
        FileAccess.objects.bulk_create(
            FileAccess(
                help_request=help_request,
                user=everyone["caseworker"],
                role="caseworker",
                purpose=purpose,
                at=start + timedelta(minutes=n),
            )
            for n in range(PAGE_SIZE + 5)
        )
    client = _client(everyone["functional_admin"])

    first = client.get(URL, {"purpose": AccessPurpose.DOCUMENT})
    query = QueryDict(first.context["next_page_query"])
    second = client.get(URL, query)

    assert query["purpose"] == AccessPurpose.DOCUMENT
    assert len(second.context["page"].rows) == 5
    with translation.override("nl"):
        assert {row["purpose"] for row in second.context["page"].rows} == {
            str(AccessPurpose.DOCUMENT.label)
        }


@pytest.mark.parametrize(
    "persona",
    [
        "resident",
        "caseworker",
        "team_lead",
        "partner",
        "pilot_owner",
        "alderman",
        "lelystad_caseworker",
    ],
)
def test_other_roles_get_403(persona: str, everyone: dict[str, User]) -> None:
    assert _client(everyone[persona]).get(URL).status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date_from": "31-31-2026"}, "date_from"),
        ({"date_to": "2026-02-30"}, "date_to"),
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to"),
        ({"purpose": "nonsense"}, "purpose"),
        ({"staff": "not-a-uuid"}, "staff"),
        ({"staff": "00000000-0000-0000-0000-000000000000"}, "staff"),
        ({"reference": "x" * 21}, "reference"),
    ],
)
def test_bad_filter_input_is_refused_at_the_field_with_400(
    data: dict[str, str], field: str, everyone: dict[str, User], log: dict[str, Any]
) -> None:
    response = _client(everyone["functional_admin"]).get(URL, data)

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert "page" not in response.context


@pytest.mark.parametrize(
    "after",
    ["garbage", "1.2.3", "-1", "9" * 30 + ".1", "9" * 18 + ".1", "1." + "9" * 19],
)
def test_a_broken_page_link_is_refused_with_a_way_back(
    after: str, everyone: dict[str, User], log: dict[str, Any]
) -> None:
    response = _client(everyone["functional_admin"]).get(URL, {"after": after})

    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()


def test_the_log_page_runs_a_fixed_number_of_queries(
    everyone: dict[str, User],
    den_helder: Place,
    django_assert_max_num_queries: Any,
) -> None:
    requests = [_request_in(den_helder) for _ in range(5)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    FileAccess.objects.bulk_create(
        FileAccess(
            help_request=requests[n % 5],
            user=everyone["caseworker"] if n % 2 else everyone["team_lead"],
            role="caseworker",
            purpose=AccessPurpose.HANDLE,
            at=start + timedelta(minutes=n),
        )
        for n in range(3 * PAGE_SIZE)
    )
    client = _client(everyone["functional_admin"])
    first = client.get(URL)
    deep = f"{URL}?{first.context['next_page_query']}"
    filtered = {
        "staff": str(everyone["caseworker"].public_id),
        "date_from": "2026-01-01",
        "purpose": AccessPurpose.HANDLE,
    }

    with django_assert_max_num_queries(5):
        client.get(URL)
    with django_assert_max_num_queries(5):
        client.get(deep)
    with django_assert_max_num_queries(6):
        client.get(URL, filtered)


def test_administration_navigation_leads_to_the_access_log(
    everyone: dict[str, User],
) -> None:
    page = _client(everyone["functional_admin"]).get("/accounts/administration/")

    assert f'href="{URL}"' in page.content.decode()


def test_each_row_says_on_whose_behalf_the_look_was(
    everyone: dict[str, User], log: dict[str, Any], den_helder: Place
) -> None:
    response = _client(everyone["functional_admin"]).get(URL)
    rows = response.context["page"].rows
    by_time = {row["at"]: row["on_behalf_of"] for row in rows}
    assert by_time[log["handle"].at] == den_helder.team.name
    assert by_time[log["document"].at] == den_helder.other_team.name
    html = response.content.decode().split('data-testid="access-log"')[1]
    assert den_helder.other_team.name in html
