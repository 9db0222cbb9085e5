"""Consent per purpose and recipient, with an end date: given while asking for help,
seen and withdrawn by the resident on their request's page; one rule decides whether
data may go to an organisation or a volunteer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from freezegun import freeze_time
from pytest_django.fixtures import Settings

from accounts.models import User
from citizens.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecipient,
    HelpRequest,
    Message,
    sharing_consent,
)
from citizens.services import help_request_submit
from citizens.tests.factories import (
    ConsentFactory,
    HelpRequestDraftFactory,
    HelpRequestFactory,
    complete_answers,
)
from municipalities.models import PostcodeArea
from networks.models import OrganisationKind
from networks.tests.factories import OrganisationFactory
from tests.fixtures.personas import Place, client_for


@pytest.fixture
def help_request(den_helder: Place, resident: User) -> HelpRequest:
    return HelpRequestFactory(resident=resident, neighbourhood=den_helder.neighbourhood)


def _withdraw_url(consent: Consent) -> str:
    return (
        f"/my-requests/{consent.help_request.reference}/consents/"
        f"{consent.public_id}/withdraw/"
    )


# ------------------------------------------------------------------ giving


def test_each_ticked_box_becomes_an_online_consent_with_the_default_end(
    resident: User, den_helder_postcode: PostcodeArea, settings: Settings
) -> None:
    settings.CONSENT_VALID_DAYS = 90
    answers = complete_answers(
        {
            "consent": {
                "share_with_volunteers": "on",
                "share_with_local_organisations": "on",
            }
        }
    )
    draft = HelpRequestDraftFactory(owner=resident, answers=answers)
    with freeze_time("2026-11-02 10:00"):
        help_request = help_request_submit(draft=draft, user=resident)

    consents = {c.recipient: c for c in help_request.consents.all()}
    assert set(consents) == {
        ConsentRecipient.VOLUNTEERS,
        ConsentRecipient.LOCAL_ORGANISATIONS,
    }
    volunteers = consents[ConsentRecipient.VOLUNTEERS]
    assert volunteers.purpose == ConsentPurpose.VOLUNTEER_HELP
    assert consents[ConsentRecipient.LOCAL_ORGANISATIONS].purpose == (
        ConsentPurpose.REFERRAL
    )
    assert volunteers.method == ConsentMethod.ONLINE
    assert volunteers.recorded_by == resident
    assert volunteers.expires_at - volunteers.given_at == dt.timedelta(days=90)


def test_no_ticked_box_means_no_consent_and_nothing_is_shared(
    resident: User, den_helder_postcode: PostcodeArea, den_helder: Place
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    help_request = help_request_submit(draft=draft, user=resident)
    assert not help_request.consents.exists()
    assert sharing_consent(help_request, organisation=None) is None
    assert sharing_consent(help_request, organisation=den_helder.organisation) is None


def test_the_consent_step_says_how_long_a_yes_lasts(
    resident: User, settings: Settings
) -> None:
    settings.CONSENT_VALID_DAYS = 180
    client = client_for(resident)
    draft = HelpRequestDraftFactory(owner=resident)
    page = client.get(f"/help/{draft.public_id}/consent/").content.decode()
    assert 'data-testid="consent-period"' in page
    assert "180" in page


# ------------------------------------------------------------------ the rule


@pytest.mark.parametrize(
    ("kind", "recipient"),
    [
        (OrganisationKind.COMMUNITY_CENTRE, ConsentRecipient.COMMUNITY_CENTRES),
        (OrganisationKind.VOLUNTEER_ORGANISATION, ConsentRecipient.VOLUNTEERS),
        (OrganisationKind.DEBT_HELP, ConsentRecipient.LOCAL_ORGANISATIONS),
        (OrganisationKind.CARE, ConsentRecipient.LOCAL_ORGANISATIONS),
    ],
)
def test_a_kind_of_recipient_covers_the_organisations_of_that_kind_only(
    help_request: HelpRequest, den_helder: Place, kind: str, recipient: str
) -> None:
    organisation = OrganisationFactory(municipality=den_helder.municipality, kind=kind)
    others = [
        r
        for r in (
            ConsentRecipient.COMMUNITY_CENTRES,
            ConsentRecipient.VOLUNTEERS,
            ConsentRecipient.LOCAL_ORGANISATIONS,
        )
        if r != recipient
    ]
    for other in others:
        ConsentFactory(help_request=help_request, recipient=other)
    assert sharing_consent(help_request, organisation=organisation) is None

    consent = ConsentFactory(help_request=help_request, recipient=recipient)
    assert sharing_consent(help_request, organisation=organisation) == consent


def test_consent_for_one_organisation_covers_that_one_only(
    help_request: HelpRequest, den_helder: Place
) -> None:
    chosen = OrganisationFactory(municipality=den_helder.municipality)
    other = OrganisationFactory(municipality=den_helder.municipality)
    ConsentFactory(
        help_request=help_request,
        recipient=ConsentRecipient.ORGANISATION,
        organisation=chosen,
    )
    assert sharing_consent(help_request, organisation=chosen) is not None
    assert sharing_consent(help_request, organisation=other) is None
    # Nor does it reach volunteers.
    assert sharing_consent(help_request, organisation=None) is None


def test_only_the_volunteer_network_consent_lets_data_go_to_a_volunteer(
    help_request: HelpRequest,
) -> None:
    ConsentFactory(
        help_request=help_request, recipient=ConsentRecipient.COMMUNITY_CENTRES
    )
    ConsentFactory(
        help_request=help_request, recipient=ConsentRecipient.LOCAL_ORGANISATIONS
    )
    assert sharing_consent(help_request, organisation=None) is None
    ConsentFactory(help_request=help_request, recipient=ConsentRecipient.VOLUNTEERS)
    assert sharing_consent(help_request, organisation=None) is not None


def test_an_expired_withdrawn_or_future_consent_does_not_count(
    help_request: HelpRequest, resident: User
) -> None:
    now = timezone.now()
    consent = ConsentFactory(
        help_request=help_request,
        given_at=now - dt.timedelta(days=10),
        expires_at=now + dt.timedelta(days=1),
    )
    assert sharing_consent(help_request, organisation=None) == consent
    # The last moment it holds, and the first it does not.
    assert sharing_consent(
        help_request, organisation=None, at=consent.expires_at - dt.timedelta(seconds=1)
    )
    assert (
        sharing_consent(help_request, organisation=None, at=consent.expires_at) is None
    )
    assert (
        sharing_consent(help_request, organisation=None, at=now - dt.timedelta(days=11))
        is None
    )
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=now)
    assert sharing_consent(help_request, organisation=None) is None


def test_another_requests_consent_does_not_count(
    help_request: HelpRequest, den_helder: Place
) -> None:
    ConsentFactory(
        help_request=HelpRequestFactory(neighbourhood=den_helder.neighbourhood)
    )
    assert sharing_consent(help_request, organisation=None) is None


def test_the_database_refuses_an_organisation_on_a_kind_of_recipient(
    help_request: HelpRequest, den_helder: Place
) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(
            help_request=help_request,
            recipient=ConsentRecipient.VOLUNTEERS,
            organisation=den_helder.organisation,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(
            help_request=help_request, recipient=ConsentRecipient.ORGANISATION
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        now = timezone.now()
        ConsentFactory(help_request=help_request, given_at=now, expires_at=now)


# ------------------------------------------------------------------ the resident


def test_the_resident_sees_each_consent_with_its_end_and_state(
    help_request: HelpRequest, resident: User
) -> None:
    now = timezone.now()
    ConsentFactory(
        help_request=help_request,
        recipient=ConsentRecipient.VOLUNTEERS,
        expires_at=now + dt.timedelta(days=20),
    )
    ConsentFactory(
        help_request=help_request,
        recipient=ConsentRecipient.COMMUNITY_CENTRES,
        given_at=now - dt.timedelta(days=400),
        expires_at=now - dt.timedelta(days=35),
    )
    page = client_for(resident).get(f"/my-requests/{help_request.reference}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="consents"' in html
    assert html.count('data-state="valid"') == 1
    assert html.count('data-state="expired"') == 1
    # Only the valid one can be withdrawn.
    assert html.count("/consents/") == 1


def test_the_resident_withdraws_a_consent_and_sharing_stops(
    help_request: HelpRequest, resident: User
) -> None:
    consent = ConsentFactory(help_request=help_request)
    client = client_for(resident)

    response = client.post(_withdraw_url(consent))

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == resident
    assert sharing_consent(help_request, organisation=None) is None
    note = Message.objects.get(help_request=help_request)
    assert not note.for_resident
    assert consent.recipient_label() in note.body
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="withdrawn"' in page
    # Twice changes nothing more.
    withdrawn_at = consent.withdrawn_at
    client.post(_withdraw_url(consent))
    consent.refresh_from_db()
    assert consent.withdrawn_at == withdrawn_at
    assert Message.objects.filter(help_request=help_request).count() == 1


def test_withdrawing_needs_a_post(help_request: HelpRequest, resident: User) -> None:
    consent = ConsentFactory(help_request=help_request)
    assert client_for(resident).get(_withdraw_url(consent)).status_code == 405
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


@pytest.mark.parametrize("who", ["other_resident", "lelystad_resident"])
def test_another_resident_cannot_withdraw_or_see_a_consent(
    help_request: HelpRequest, who: str, request: pytest.FixtureRequest
) -> None:
    consent = ConsentFactory(help_request=help_request)
    client = client_for(request.getfixturevalue(who))
    assert client.post(_withdraw_url(consent)).status_code == 404
    assert client.get(f"/my-requests/{help_request.reference}/").status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_consent_id_under_another_reference_is_not_found(
    help_request: HelpRequest, resident: User, other_resident: User, den_helder: Place
) -> None:
    """The resident's own reference with someone else's consent id: 404."""
    foreign = ConsentFactory(
        help_request=HelpRequestFactory(
            resident=other_resident, neighbourhood=den_helder.neighbourhood
        )
    )
    path = (
        f"/my-requests/{help_request.reference}/consents/{foreign.public_id}/withdraw/"
    )
    assert client_for(resident).post(path).status_code == 404
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None


def test_staff_cannot_use_the_residents_withdraw_route(
    help_request: HelpRequest, caseworker: User
) -> None:
    consent = ConsentFactory(help_request=help_request)
    assert client_for(caseworker).post(_withdraw_url(consent)).status_code == 403


def test_the_request_page_queries_do_not_grow_with_the_consents(
    help_request: HelpRequest,
    resident: User,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(resident)
    url = f"/my-requests/{help_request.reference}/"
    ConsentFactory(help_request=help_request)
    client.get(url)
    with django_assert_max_num_queries(14) as one:
        client.get(url)
    for recipient in (
        ConsentRecipient.COMMUNITY_CENTRES,
        ConsentRecipient.LOCAL_ORGANISATIONS,
    ):
        ConsentFactory(help_request=help_request, recipient=recipient)
    with django_assert_max_num_queries(len(one)):
        client.get(url)


def test_the_export_lists_every_consent(
    help_request: HelpRequest, resident: User
) -> None:
    ConsentFactory(help_request=help_request)
    export = json.loads(
        client_for(resident).get("/my-data/export.json").content.decode()
    )
    [sharing] = [r["consent"]["sharing"] for r in export["help_requests"]]
    assert [(c["purpose"], c["recipient"], c["withdrawn_at"]) for c in sharing] == [
        ("volunteer_help", "volunteers", None)
    ]


# ------------------------------------------------------------------ migration


def test_the_data_migration_turns_the_old_answers_into_consents(
    den_helder: Place, resident: User, settings: Settings
) -> None:
    """Run migration 0007's forward step against the historical models, on the
    columns as they were (added back inside this test's transaction)."""
    settings.CONSENT_VALID_DAYS = 365
    with connection.cursor() as cursor:
        for column in (
            "share_with_community_centre",
            "share_with_volunteers",
            "share_with_local_organisations",
        ):
            cursor.execute(
                f"ALTER TABLE citizens_helprequest ADD COLUMN {column} boolean "
                "NOT NULL DEFAULT false"
            )
    given = timezone.now() - dt.timedelta(days=400)
    old = HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        privacy_accepted_at=given,
    )
    recent = HelpRequestFactory(
        resident=resident, neighbourhood=den_helder.neighbourhood
    )
    nothing = HelpRequestFactory(neighbourhood=den_helder.neighbourhood)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE citizens_helprequest SET share_with_volunteers = true, "
            "share_with_community_centre = true WHERE id = %s",
            [old.pk],
        )
        cursor.execute(
            "UPDATE citizens_helprequest SET share_with_local_organisations = true "
            "WHERE id = %s",
            [recent.pk],
        )
    loader = MigrationLoader(connection)
    key = ("citizens", "0007_consent_rows_from_sharing_answers")
    apps = loader.project_state(key).apps
    module = __import__(
        "citizens.migrations.0007_consent_rows_from_sharing_answers",
        fromlist=["forward"],
    )
    module.forward(apps, None)

    assert not nothing.consents.exists()
    assert sorted(old.consents.values_list("recipient", "purpose")) == [
        ("community_centres", "referral"),
        ("volunteers", "volunteer_help"),
    ]
    # Counted from when it was given: more than a year ago, so it has ended.
    assert sharing_consent(old, organisation=None) is None
    [local] = recent.consents.all()
    assert (local.recipient, local.method, local.recorded_by) == (
        "local_organisations",
        "online",
        resident,
    )
    assert local.given_at == recent.privacy_accepted_at
    assert local.state == "valid"
