"""1 gezin, 1 plan: linked requests, a coordinator, ZRM at intake and evaluation,
and a support plan with goals and actions."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from casework.models import Household, PlanAction, PlanGoal, ZrmAssessment, ZrmDomain
from citizens.models import HelpRequest
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place


def _request(place: Place, resident: User, **fields: object) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=place.municipality,
        neighbourhood=place.neighbourhood,
        **fields,
    )


@pytest.fixture
def help_request(den_helder: Place, resident: User, caseworker: User) -> HelpRequest:
    return _request(
        den_helder, resident, contact_person=caseworker, team=den_helder.team
    )


@pytest.fixture
def client(caseworker: User) -> Client:
    client = Client()
    client.force_login(caseworker)
    return client


def _url(help_request: HelpRequest) -> str:
    return f"/casework/requests/{help_request.reference}/household/"


def _zrm(moment: str, score: int, **overrides: int) -> dict[str, str]:
    data = {"form": "zrm", "moment": moment}
    data.update(
        {domain: str(overrides.get(domain, score)) for domain in ZrmDomain.values}
    )
    return data


def test_opening_the_page_makes_a_household_of_one_with_the_contact_as_coordinator(
    client: Client, help_request: HelpRequest, caseworker: User
) -> None:
    response = client.get(_url(help_request))

    assert response.status_code == 200
    household = Household.objects.get()
    assert household.coordinator == caseworker
    assert [m.help_request for m in household.memberships.all()] == [help_request]
    client.get(_url(help_request))
    assert Household.objects.count() == 1


def test_linking_a_second_request_of_the_household(
    client: Client, help_request: HelpRequest, den_helder: Place, other_resident: User
) -> None:
    partner_request = _request(den_helder, other_resident)

    response = client.post(
        _url(help_request),
        {"form": "link", "reference": partner_request.reference.lower()},
    )

    assert response.status_code == 302
    household = Household.objects.get()
    assert {m.help_request for m in household.memberships.all()} == {
        help_request,
        partner_request,
    }
    page = client.get(_url(partner_request))
    assert help_request.reference in page.content.decode()


def test_linking_refuses_requests_outside_the_scope_or_already_linked(
    client: Client,
    help_request: HelpRequest,
    lelystad: Place,
    lelystad_resident: User,
    den_helder: Place,
    other_resident: User,
) -> None:
    elsewhere = _request(lelystad, lelystad_resident)
    for reference in (elsewhere.reference, "HV-0000-000000", help_request.reference):
        response = client.post(
            _url(help_request), {"form": "link", "reference": reference}
        )
        assert response.status_code == 400
        assert 'id="id_reference_error"' in response.content.decode()
    taken = _request(den_helder, other_resident)
    client.get(_url(taken))
    response = client.post(
        _url(help_request), {"form": "link", "reference": taken.reference}
    )
    assert response.status_code == 400


def test_zrm_at_intake_and_evaluation_shows_the_change_per_domain(
    client: Client, help_request: HelpRequest
) -> None:
    assert (
        client.post(_url(help_request), _zrm("intake", 2, finances=1)).status_code
        == 302
    )
    assert (
        client.post(_url(help_request), _zrm("evaluation", 3, finances=4)).status_code
        == 302
    )

    page = client.get(_url(help_request))

    rows = {row["domain"]: row for row in page.context["zrm_rows"]}
    assert rows[ZrmDomain.FINANCES.label]["change"] == 3
    assert rows[ZrmDomain.HOUSING.label]["change"] == 1
    assert len(rows) == 13
    # Recording the intake again replaces it.
    client.post(_url(help_request), _zrm("intake", 3))
    assert ZrmAssessment.objects.filter(help_request=help_request).count() == 2


@pytest.mark.parametrize("bad", ["0", "6", "x", ""])
def test_zrm_scores_outside_one_to_five_are_refused_at_the_field(
    bad: str, client: Client, help_request: HelpRequest
) -> None:
    data = _zrm("intake", 3)
    data["justice"] = bad

    response = client.post(_url(help_request), data)

    assert response.status_code == 400
    assert 'id="id_justice_error"' in response.content.decode()
    assert not ZrmAssessment.objects.exists()


def test_plan_goals_and_actions_with_owner_and_due_date(
    client: Client, help_request: HelpRequest
) -> None:
    client.post(
        _url(help_request),
        {"form": "goal", "domain": "finances", "description": "Overzicht in de post"},
    )
    goal = PlanGoal.objects.get()
    due = timezone.localdate() + timedelta(days=14)

    response = client.post(
        _url(help_request),
        {
            "form": "action",
            "goal": goal.pk,
            "description": "Samen de post doornemen",
            "owner": "volunteer",
            "due": due.isoformat(),
        },
    )

    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert (action.goal, action.owner, action.due) == (goal, "volunteer", due)
    client.post(_url(help_request), {"form": "done", "action": action.pk})
    action.refresh_from_db()
    assert action.done_at is not None


def test_plan_input_is_validated_at_the_field(
    client: Client, help_request: HelpRequest, den_helder: Place, other_resident: User
) -> None:
    assert (
        client.post(
            _url(help_request),
            {"form": "goal", "domain": "astrology", "description": "x"},
        ).status_code
        == 400
    )
    client.post(
        _url(help_request),
        {"form": "goal", "domain": "housing", "description": "Wonen"},
    )
    goal = PlanGoal.objects.get()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        _url(help_request),
        {
            "form": "action",
            "goal": goal.pk,
            "description": "x",
            "owner": "resident",
            "due": past,
        },
    )
    assert response.status_code == 400
    assert 'id="action_due_error"' in response.content.decode()
    # A goal of another household cannot receive actions.
    other = _request(den_helder, other_resident)
    client.get(_url(other))
    response = client.post(
        _url(other),
        {
            "form": "action",
            "goal": goal.pk,
            "description": "x",
            "owner": "resident",
            "due": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert not PlanAction.objects.exists()


@pytest.mark.parametrize("persona", ["lelystad_caseworker", "alderman", "resident"])
def test_the_household_page_is_closed_to_others(
    persona: str, everyone: dict[str, User], help_request: HelpRequest
) -> None:
    client = Client()
    client.force_login(everyone[persona])

    assert client.get(_url(help_request)).status_code in (403, 404)
    assert not Household.objects.exists()


def test_household_page_query_budget(
    client: Client,
    help_request: HelpRequest,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client.get(_url(help_request))
    household = Household.objects.get()
    for number in range(8):
        goal = PlanGoal.objects.create(
            household=household, domain="housing", description=f"Doel {number}"
        )
        for _ in range(3):
            PlanAction.objects.create(
                goal=goal,
                description="Actie",
                owner="resident",
                due=timezone.localdate(),
            )

    with django_assert_max_num_queries(22):
        response = client.get(_url(help_request))
    assert response.status_code == 200
