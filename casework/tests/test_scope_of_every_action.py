"""Every casework action on a request of another municipality is a 404 and changes
nothing; residents and aldermen get 403."""

import pytest
from django.test import Client

from accounts.models import User
from casework.models import ContactMoment, Deadline, DeadlineKind, Referral, Triage
from citizens.models import HelpRequest, Message
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place


@pytest.fixture
def help_request(den_helder: Place, resident: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        share_with_community_centre=True,
    )


def _actions(
    help_request: HelpRequest, place: Place
) -> list[tuple[str, dict[str, object]]]:
    deadline = Deadline.objects.create(
        help_request=help_request,
        kind=DeadlineKind.WMO_INVESTIGATION,
        start=help_request.submitted_at.date(),
        due=help_request.submitted_at.date(),
    )
    base = f"/casework/requests/{help_request.reference}/"
    return [
        (base, {"send_message": "1", "body": "x", "for_resident": "on"}),
        (base, {"save_progress": "1", "stage": "triage"}),
        (
            base + "triage/",
            {"domains": ["wmo"], "urgency": "normal", "team": place.team.pk},
        ),
        (base + "claim/", {}),
        (
            base + "contacts/",
            {"kind": "phone", "happened_on": "2026-11-01", "summary": "x"},
        ),
        (base + "referrals/", {"organisation": place.organisation.pk, "question": "x"}),
        (base + f"deadlines/{deadline.pk}/suspend/", {}),
        (
            base + "household/",
            {"form": "goal", "domain": "housing", "description": "x"},
        ),
    ]


def _nothing_changed(help_request: HelpRequest) -> None:
    help_request.refresh_from_db()
    assert help_request.contact_person is None
    assert help_request.status == "received"
    assert not Message.objects.exists()
    assert not Triage.objects.exists()
    assert not ContactMoment.objects.exists()
    assert not Referral.objects.exists()
    assert not Deadline.objects.filter(suspended_since__isnull=False).exists()


def test_another_municipalitys_caseworker_gets_404_on_every_action(
    help_request: HelpRequest, den_helder: Place, lelystad_caseworker: User
) -> None:
    client = Client()
    client.force_login(lelystad_caseworker)

    for url, data in _actions(help_request, den_helder):
        assert client.post(url, data).status_code == 404, url

    _nothing_changed(help_request)


@pytest.mark.parametrize("persona", ["resident", "alderman", "partner", "pilot_owner"])
def test_non_casework_roles_get_403_on_every_action(
    persona: str,
    everyone: dict[str, User],
    help_request: HelpRequest,
    den_helder: Place,
) -> None:
    client = Client()
    client.force_login(everyone[persona])

    for url, data in _actions(help_request, den_helder):
        assert client.post(url, data).status_code == 403, url

    _nothing_changed(help_request)
