"""The case page runs a fixed number of queries, however long the case's history
(#10): the same count with 1 and with 20 of each kind of row on the case."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from casework.models import ContactKind, ContactMoment, Referral, StageChange
from citizens.models import HelpRequest, StatusChange
from citizens.tests.factories import (
    AttachmentFactory,
    HelpRequestFactory,
    MessageFactory,
)
from tests.fixtures.personas import Place

# The count measured on 2026-12-07 (session and user, the request with its triage,
# the look's log row, the notification badge, the team list of the triage form, the
# organisation lists of the referral and consent forms, one query per list on the
# page): 16 (18 on 2026-12-04, before the triage came with the request). Fixed, but
# above the target of 6: lower this when queries are folded (#10).
QUERY_BUDGET = 16


def _add(help_request: HelpRequest, place: Place, caseworker: User, n: int) -> None:
    for index in range(n):
        MessageFactory(help_request=help_request, author=caseworker)
        MessageFactory(help_request=help_request, for_resident=False, author=caseworker)
        AttachmentFactory(help_request=help_request)
        StatusChange.objects.create(
            help_request=help_request, to_status=help_request.status, by=caseworker
        )
        StageChange.objects.create(
            help_request=help_request,
            from_stage="registration",
            to_stage="registration",
            by=caseworker,
        )
        ContactMoment.objects.create(
            help_request=help_request,
            kind=ContactKind.values[0],
            happened_on=date(2026, 1, 1 + index),
            summary=f"Gesprek {index}",
            by=caseworker,
        )
        Referral.objects.create(
            help_request=help_request,
            organisation=place.organisation,
            question=f"Vraag {index}",
            created_by=caseworker,
        )


def _count(client: Client, help_request: HelpRequest) -> int:
    path = f"/casework/requests/{help_request.reference}/"
    client.get(path)  # warm up: content types, the first look's log row
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("rows", [1, 20])
def test_case_page_query_count_is_fixed(
    rows: int, den_helder: Place, caseworker: User
) -> None:
    help_request = HelpRequestFactory(
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
    )
    client = Client()
    client.force_login(caseworker)
    empty = _count(client, help_request)
    _add(help_request, den_helder, caseworker, rows)

    count = _count(client, help_request)

    assert count == empty
    assert count <= QUERY_BUDGET, count


def test_the_compiled_lookup_of_a_case_keeps_each_users_scope(
    den_helder: Place,
    lelystad: Place,
    caseworker: User,
    team_lead: User,
    other_team_caseworker: User,
    lelystad_caseworker: User,
) -> None:
    """The case's lookup is compiled once per process and role, and shared by
    every team member of that role (casework/access.py): each still gets only
    the requests of their own scope, whoever asked first."""
    own = HelpRequestFactory(
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
    )
    # Not given to a team yet, in the district of the caseworker's team.
    unteamed = HelpRequestFactory(
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        team=None,
    )
    elsewhere = HelpRequestFactory(
        municipality=lelystad.municipality,
        neighbourhood=lelystad.neighbourhood,
        team=lelystad.team,
    )
    expected = {
        caseworker: {own: 200, unteamed: 200, elsewhere: 404},
        team_lead: {own: 200, unteamed: 200, elsewhere: 404},
        other_team_caseworker: {own: 404, unteamed: 404, elsewhere: 404},
        lelystad_caseworker: {own: 404, unteamed: 404, elsewhere: 200},
    }
    # Twice round, in turn: the second round runs the SQL the first compiled.
    for _round in range(2):
        for user, statuses in expected.items():
            client = Client()
            client.force_login(user)
            for help_request, status in statuses.items():
                response = client.get(f"/casework/requests/{help_request.reference}/")
                assert response.status_code == status, (user.email, help_request)
                if status == 200:
                    assert help_request.reference in response.content.decode()
