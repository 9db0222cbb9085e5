"""The access log cannot be changed or deleted by the application (model guards and,
below them, a database trigger); only the purge removes entries past their period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from accounts.models import User
from citizens.models import AccessPurpose, AppendOnlyError, FileAccess, HelpRequest
from citizens.tests.factories import HelpRequestFactory
from networks.tests.factories import OrganisationFactory
from privacy import services
from privacy.models import DeletionRecord, Rule
from tests.fixtures.personas import Place


@pytest.fixture
def access(den_helder: Place, caseworker: User) -> FileAccess:
    help_request = HelpRequestFactory(neighbourhood=den_helder.neighbourhood)
    return FileAccess.record(
        help_request=help_request,
        user=caseworker,
        purpose=AccessPurpose.OUTSIDE_CASELOAD,
        reason="Collega ziek",
    )


def _unchanged(access: FileAccess) -> None:
    access.refresh_from_db()
    assert (access.reason, access.purpose) == ("Collega ziek", "outside_caseload")


def test_the_model_refuses_to_change_an_entry(access: FileAccess) -> None:
    with pytest.raises(AppendOnlyError):
        FileAccess.objects.filter(pk=access.pk).update(reason="weggepoetst")
    access.purpose = AccessPurpose.HANDLE
    with pytest.raises(AppendOnlyError):
        access.save()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        FileAccess.objects.bulk_update([access], ["purpose"])
    _unchanged(access)


def test_the_model_refuses_to_delete_an_entry(access: FileAccess) -> None:
    with pytest.raises(AppendOnlyError):
        access.delete()
    with pytest.raises(AppendOnlyError):
        FileAccess.objects.filter(pk=access.pk).delete()
    assert FileAccess.objects.filter(pk=access.pk).exists()


def test_the_database_refuses_update_and_delete_past_the_model(
    access: FileAccess,
) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE citizens_fileaccess SET reason = 'weg' WHERE id = %s",
                [access.pk],
            )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM citizens_fileaccess")
    # Deleting the request cascades to its log entries: refused as well.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HelpRequest.objects.filter(pk=access.help_request_id).delete()
    _unchanged(access)


def test_setting_the_purge_flag_does_not_allow_an_update(access: FileAccess) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL privacy.purge = 'on'")
            cursor.execute(
                "UPDATE citizens_fileaccess SET reason = 'weg' WHERE id = %s",
                [access.pk],
            )
    _unchanged(access)


def test_the_purge_removes_only_expired_entries_and_the_lock_returns(
    access: FileAccess, caseworker: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    days = settings.PRIVACY_RETENTION_DAYS["access_log"]
    with freeze_time(access.at + dt.timedelta(days=days - 1)):
        recent = FileAccess.record(
            help_request=access.help_request,
            user=caseworker,
            purpose=AccessPurpose.HANDLE,
        )
    with freeze_time(access.at + dt.timedelta(days=days)):
        with django_capture_on_commit_callbacks(execute=True):
            result = services.purge_personal_data()
    assert not FileAccess.objects.filter(pk=access.pk).exists()
    assert FileAccess.objects.filter(pk=recent.pk).exists()
    municipality_id = access.help_request.municipality_id
    assert result.counts[(municipality_id, Rule.ACCESS_LOG, "access_log")] == 1
    assert DeletionRecord.objects.get(rule=Rule.ACCESS_LOG).count == 1
    # The purge's permission ended with it.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM citizens_fileaccess WHERE id = %s", [recent.pk])
    assert FileAccess.objects.filter(pk=recent.pk).exists()


def test_the_log_records_who_when_what_on_whose_behalf_and_why(
    access: FileAccess, caseworker: User, den_helder: Place, resident: User
) -> None:
    assert access.user_id == caseworker.pk and access.role == "caseworker"
    assert access.at and access.help_request_id
    assert access.purpose and access.reason == "Collega ziek"
    access = FileAccess.objects.select_related(
        "acting_for_team", "acting_for_organisation", "acting_for_municipality"
    ).get(pk=access.pk)
    assert access.acting_for_team == den_helder.team
    assert access.acting_for_municipality == den_helder.municipality
    assert access.on_behalf_of() == den_helder.team.name
    assert access.data_subject == access.help_request.resident


def test_a_partner_acts_on_behalf_of_their_organisation(
    den_helder: Place, partner: User
) -> None:
    help_request = HelpRequestFactory(neighbourhood=den_helder.neighbourhood)
    access = FileAccess.record(
        help_request=help_request, user=partner, purpose=AccessPurpose.HANDLE
    )
    assert access.acting_for_organisation_id == den_helder.organisation.pk
    assert access.acting_for_team_id is None


def test_an_organisation_with_log_entries_is_not_deleted(
    den_helder: Place, partner: User
) -> None:
    organisation = OrganisationFactory(municipality=den_helder.municipality)
    partner.organisation = organisation
    help_request = HelpRequestFactory(neighbourhood=den_helder.neighbourhood)
    FileAccess.record(
        help_request=help_request, user=partner, purpose=AccessPurpose.HANDLE
    )
    with pytest.raises(Exception, match="protected"):
        organisation.delete()
