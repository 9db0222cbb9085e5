"""The functional administrator changes a staff member's role or team and resets a
second factor; each change is a security event (accounts.views.account_change)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Role, SecurityEvent, SecurityEventKind, User
from accounts.tests.factories import PASSWORD
from tests.fixtures.personas import Place, client_for, password_only_client


def change_url(account: User) -> str:
    return reverse("accounts:account_change", kwargs={"public_id": account.public_id})


def reset_url(account: User) -> str:
    return reverse(
        "accounts:account_two_factor_reset", kwargs={"public_id": account.public_id}
    )


def test_the_account_page_offers_the_changes(
    functional_admin: User, caseworker: User
) -> None:
    page = client_for(functional_admin).get(
        reverse("accounts:account_detail", kwargs={"public_id": caseworker.public_id})
    )
    html = page.content.decode()
    assert change_url(caseworker) in html and reset_url(caseworker) in html


def test_the_admin_changes_role_and_team_and_it_is_logged(
    functional_admin: User, caseworker: User, den_helder: Place
) -> None:
    client = client_for(functional_admin)
    page = client.get(change_url(caseworker))
    assert page.status_code == 200

    response = client.post(
        change_url(caseworker),
        {"role": Role.TEAM_LEAD, "team": den_helder.other_team.pk},
    )

    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.role == Role.TEAM_LEAD
    assert caseworker.team == den_helder.other_team
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_CHANGED)
    assert event.actor == functional_admin and event.subject == caseworker
    assert event.municipality_id == den_helder.municipality.pk
    assert event.details == {
        "role": ["caseworker", "team_lead"],
        "team": [den_helder.team.name, den_helder.other_team.name],
    }
    detail = client.get(response["Location"]).content.decode()
    assert functional_admin.full_name in detail
    # The change reads in words: role labels, not codes.
    with translation.override(functional_admin.language):
        before, after = str(Role.CASEWORKER.label), str(Role.TEAM_LEAD.label)
    assert f"{before} → {after}" in detail
    assert "team_lead" not in detail


def test_a_partner_becomes_a_pilot_owner_without_organisation(
    functional_admin: User, partner: User
) -> None:
    response = client_for(functional_admin).post(
        change_url(partner), {"role": Role.PILOT_OWNER}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.role == Role.PILOT_OWNER and partner.organisation is None


def test_a_regional_manager_gets_the_region_of_the_municipality(
    functional_admin: User, pilot_owner: User, region
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(functional_admin).post(
        change_url(pilot_owner), {"role": Role.REGIONAL_MANAGER}
    )
    assert response.status_code == 302
    pilot_owner.refresh_from_db()
    assert pilot_owner.region == region
    client_for(functional_admin).post(change_url(pilot_owner), {"role": Role.ALDERMAN})
    pilot_owner.refresh_from_db()
    assert pilot_owner.region is None and pilot_owner.role == Role.ALDERMAN


def test_saving_without_a_change_logs_nothing(
    functional_admin: User, caseworker: User, den_helder: Place
) -> None:
    client_for(functional_admin).post(
        change_url(caseworker),
        {"role": Role.CASEWORKER, "team": den_helder.team.pk},
    )
    assert not SecurityEvent.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "resident"}, "role"),
        ({"role": "superuser"}, "role"),
        ({}, "role"),
        ({"role": Role.CASEWORKER}, "team"),  # a caseworker needs a team
        ({"role": Role.TEAM_LEAD, "team": "not-a-uuid"}, "team"),
        ({"role": Role.PARTNER}, "organisation"),  # a partner needs an organisation
        ({"role": Role.REGIONAL_MANAGER}, "role"),  # Den Helder has no region here
        ({"role": Role.PILOT_OWNER, "team": "TEAM"}, "team"),  # only team roles
        ({"role": Role.ALDERMAN, "organisation": "ORG"}, "organisation"),
        ({"role": Role.CASEWORKER, "team": "OTHER_TEAM"}, "team"),
        ({"role": Role.PARTNER, "organisation": "OTHER_ORG"}, "organisation"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_changes_nothing(
    data: dict[str, str],
    field: str,
    functional_admin: User,
    caseworker: User,
    den_helder: Place,
    lelystad: Place,
) -> None:
    values = {
        "TEAM": str(den_helder.team.pk),
        "ORG": str(den_helder.organisation.public_id),
        "OTHER_TEAM": str(lelystad.team.pk),
        "OTHER_ORG": str(lelystad.organisation.public_id),
    }
    data = {key: values.get(value, value) for key, value in data.items()}

    response = client_for(functional_admin).post(change_url(caseworker), data)

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.role == Role.CASEWORKER and caseworker.team == den_helder.team
    assert not SecurityEvent.objects.exists()


def test_teams_of_another_municipality_are_not_offered(
    functional_admin: User, caseworker: User, lelystad: Place
) -> None:
    page = client_for(functional_admin).get(change_url(caseworker)).content.decode()
    assert lelystad.team.name not in page
    assert f'value="{lelystad.team.pk}"' not in page
    assert 'value="resident"' not in page


def test_another_municipalitys_account_is_not_found(
    functional_admin: User, lelystad_caseworker: User, lelystad_admin: User
) -> None:
    client = client_for(functional_admin)
    for url in (change_url(lelystad_caseworker), reset_url(lelystad_caseworker)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"role": Role.PILOT_OWNER}).status_code == 404
    lelystad_caseworker.refresh_from_db()
    assert lelystad_caseworker.role == Role.CASEWORKER
    assert two_factor.confirmed_totp_device(lelystad_caseworker) is not None


def test_residents_accounts_are_not_offered(
    functional_admin: User, resident: User
) -> None:
    client = client_for(functional_admin)
    assert client.get(change_url(resident)).status_code == 404
    assert client.post(change_url(resident), {"role": Role.ALDERMAN}).status_code == 404
    resident.refresh_from_db()
    assert resident.role == Role.RESIDENT


def test_nobody_changes_their_own_rights(functional_admin: User) -> None:
    client = client_for(functional_admin)
    assert client.get(change_url(functional_admin)).status_code == 403
    assert client.post(reset_url(functional_admin)).status_code == 403


@pytest.mark.parametrize(
    "persona", ["caseworker", "team_lead", "alderman", "pilot_owner", "resident"]
)
def test_other_roles_cannot_change_accounts(
    persona: str, everyone: dict[str, User]
) -> None:
    target = everyone["other_team_caseworker"]
    client = client_for(everyone[persona])
    assert client.get(change_url(target)).status_code == 403
    assert client.post(reset_url(target)).status_code == 403


def test_resetting_the_second_factor_ends_sessions_and_requires_enrolment(
    functional_admin: User, caseworker: User
) -> None:
    two_factor.new_recovery_codes(caseworker)
    victim_session = client_for(caseworker)
    assert victim_session.get("/casework/").status_code == 200
    client = client_for(functional_admin)
    assert client.get(reset_url(caseworker)).status_code == 200

    response = client.post(reset_url(caseworker))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    assert not StaticDevice.objects.filter(user=caseworker).exists()
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TWO_FACTOR_RESET,
        actor=functional_admin,
        subject=caseworker,
    ).exists()
    # The open session has ended.
    ended = victim_session.get("/casework/")
    assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/")
    # The next login leads to enrolment.
    again = password_only_client(caseworker, PASSWORD)
    assert again.get("/accounts/two-factor/")["Location"].startswith(
        "/accounts/two-factor/set-up/"
    )


def test_security_events_are_append_only(
    functional_admin: User, caseworker: User
) -> None:
    event = SecurityEvent.objects.create(
        kind=SecurityEventKind.ROLE_CHANGED, actor=functional_admin, subject=caseworker
    )
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().update(kind="x")
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()


def test_the_change_page_has_a_fixed_number_of_queries(
    functional_admin: User,
    caseworker: User,
    den_helder: Place,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(functional_admin)
    client.get(change_url(caseworker))
    # session with its user, account, teams, organisations
    with django_assert_num_queries(4):
        assert client.get(change_url(caseworker)).status_code == 200


def test_unused_client_is_anonymous(db: None) -> None:
    assert Client().get("/accounts/two-factor/").status_code == 302
