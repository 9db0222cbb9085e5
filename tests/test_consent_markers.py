"""A partner or volunteer without a valid consent of the resident sees nothing of
them: markers are planted in the resident's first name, the referral's question and
the match's task; every parameterless route the partner or the volunteer may open,
and the referral's and match's own pages, are fetched after the consent was
withdrawn and after it expired. With a valid consent the same sweep finds them, so
the test can fail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.models import Referral
from citizens.models import Consent, ConsentRecipient, HelpRequest
from citizens.services import consent_withdraw
from citizens.tests.factories import ConsentFactory, HelpRequestFactory
from networks.models import Match, Need
from networks.tests.factories import VolunteerFactory
from tests.fixtures.personas import Place, client_for
from tests.test_access_policy import PARTNER, POLICY, RESIDENT
from tests.test_planted_markers import ROUTES, SEARCH_PARAMETERS

MARKER = "ZQXCONSENTMARKER"


@pytest.fixture
def planted(den_helder: Place, caseworker: User, partner: User) -> dict[str, object]:
    help_request = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        contact_person=caseworker,
        subject_name=f"{MARKER} Jansen",
        story=f"{MARKER} verhaal",
    )
    consents = [
        ConsentFactory(help_request=help_request, recipient=recipient)
        for recipient in (
            ConsentRecipient.COMMUNITY_CENTRES,
            ConsentRecipient.VOLUNTEERS,
        )
    ]
    referral = Referral.objects.create(
        help_request=help_request,
        organisation=den_helder.organisation,
        question=f"{MARKER} vraag",
        created_by=caseworker,
    )
    volunteer_user = UserFactory(municipality=den_helder.municipality)
    match = Match.objects.create(
        help_request=help_request,
        volunteer=VolunteerFactory(
            user=volunteer_user, neighbourhood=den_helder.neighbourhood
        ),
        need=Need.SHOPPING,
        task=f"{MARKER} taak",
        first_name=help_request.first_name,
    )
    return {
        "help_request": help_request,
        "consents": consents,
        "referral": referral,
        "match": match,
        "volunteer": volunteer_user,
    }


def _paths(role: str, planted: dict[str, object]) -> list[str]:
    paths = [reverse(name) for name in ROUTES if role in POLICY[name]]
    if role == PARTNER:
        referral = planted["referral"]
        paths.append(reverse("networks:referral_detail", args=[referral.public_id]))
    else:
        match = planted["match"]
        paths.append(reverse("networks:match_detail", args=[match.public_id]))
    return paths


def _found(planted: dict[str, object], partner: User) -> list[str]:
    found = []
    for role, user in ((PARTNER, partner), (RESIDENT, planted["volunteer"])):
        client = client_for(user)
        for path in _paths(role, planted):
            for query in [{}] + [{key: MARKER.lower()} for key in SEARCH_PARAMETERS]:
                response = client.get(path, query)
                assert response.status_code < 500, (role, path, query)
                body = b"".join(response) if response.streaming else response.content
                if MARKER.encode() in body:
                    found.append(f"{role} {path} {query}")
    return found


def test_with_valid_consent_the_sweep_finds_the_markers(
    planted: dict[str, object], partner: User
) -> None:
    found = _found(planted, partner)
    assert any("referrals" in line for line in found)
    assert any("matches" in line for line in found)


@pytest.mark.parametrize("how", ["withdrawn", "expired"])
def test_without_valid_consent_no_partner_or_volunteer_page_shows_a_marker(
    planted: dict[str, object], partner: User, how: str
) -> None:
    help_request: HelpRequest = planted["help_request"]
    for consent in planted["consents"]:
        if how == "withdrawn":
            consent_withdraw(consent=consent, by=help_request.resident)
        else:
            Consent.objects.filter(pk=consent.pk).update(
                given_at=timezone.now() - dt.timedelta(days=400),
                expires_at=timezone.now() - dt.timedelta(seconds=1),
            )
    assert _found(planted, partner) == []
