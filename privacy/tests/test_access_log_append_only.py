"""The access log cannot be changed or deleted by the application; only the purge
removes entries past their retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from accounts.models import User
from citizens.models import AccessPurpose, FileAccess, HelpRequest
from citizens.tests.factories import HelpRequestFactory
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


def test_updating_an_access_log_entry_is_refused(access: FileAccess) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        FileAccess.objects.filter(pk=access.pk).update(reason="weggepoetst")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        access.purpose = AccessPurpose.HANDLE
        access.save()
    access.refresh_from_db()
    assert (access.reason, access.purpose) == ("Collega ziek", "outside_caseload")


def test_deleting_an_access_log_entry_is_refused(access: FileAccess) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        access.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HelpRequest.objects.filter(pk=access.help_request_id).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM citizens_fileaccess")
    assert FileAccess.objects.filter(pk=access.pk).exists()


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
        recent.delete()


def test_the_log_records_who_when_what_and_why(access: FileAccess) -> None:
    # "On whose behalf" has no column yet (reported; citizens' model, not ours).
    assert access.user_id and access.role == "caseworker"
    assert access.at and access.help_request_id
    assert access.purpose and access.reason == "Collega ziek"
