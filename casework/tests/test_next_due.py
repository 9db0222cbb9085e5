"""HelpRequest.next_due, kept by the database trigger on casework_deadline: the
earliest due date of the running deadlines (not met, not suspended), whatever
writes them, and never written back by a stale instance."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from casework.models import Deadline, DeadlineKind
from casework.services import deadline_resume, deadline_suspend
from citizens.models import HelpRequest
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 10)


def next_due(help_request: HelpRequest) -> date | None:
    return HelpRequest.objects.values_list("next_due", flat=True).get(
        pk=help_request.pk
    )


def deadline(help_request: HelpRequest, kind: str, due: date) -> Deadline:
    return Deadline.objects.create(
        help_request=help_request, kind=kind, start=due - timedelta(weeks=6), due=due
    )


@pytest.fixture
def help_request(den_helder: Place) -> HelpRequest:
    return HelpRequestFactory(
        municipality=den_helder.municipality, neighbourhood=den_helder.neighbourhood
    )


def test_without_deadlines_there_is_no_next_due(help_request: HelpRequest) -> None:
    assert next_due(help_request) is None


def test_the_earliest_running_deadline_counts(help_request: HelpRequest) -> None:
    later = deadline(help_request, DeadlineKind.PARTICIPATION_DECISION, DAY)
    assert next_due(help_request) == DAY
    earlier = deadline(help_request, DeadlineKind.WMO_INVESTIGATION, DAY - timedelta(5))
    assert next_due(help_request) == DAY - timedelta(5)

    earlier.met_at = timezone.now()
    earlier.save()
    assert next_due(help_request) == DAY

    later.due = DAY + timedelta(days=3)
    later.save()
    assert next_due(help_request) == DAY + timedelta(days=3)

    later.delete()
    assert next_due(help_request) is None


def test_a_suspended_clock_is_not_running_until_it_resumes(
    help_request: HelpRequest, caseworker: User
) -> None:
    running = deadline(help_request, DeadlineKind.WMO_INVESTIGATION, DAY)
    deadline_suspend(deadline=running, by=caseworker)
    assert next_due(help_request) is None

    deadline_resume(deadline=running, by=caseworker)
    running.refresh_from_db()
    assert running.suspended_since is None
    assert next_due(help_request) == running.due


def test_a_bulk_update_of_deadlines_is_followed(help_request: HelpRequest) -> None:
    deadline(help_request, DeadlineKind.WMO_INVESTIGATION, DAY)
    deadline(help_request, DeadlineKind.YOUTH_DECISION, DAY + timedelta(days=9))

    Deadline.objects.filter(help_request=help_request).update(met_at=timezone.now())

    assert next_due(help_request) is None


def test_only_the_own_request_changes(den_helder: Place) -> None:
    first, second = HelpRequestFactory.create_batch(
        2, municipality=den_helder.municipality, neighbourhood=den_helder.neighbourhood
    )
    deadline(first, DeadlineKind.WMO_INVESTIGATION, DAY)
    assert (next_due(first), next_due(second)) == (DAY, None)


def test_a_stale_instance_does_not_write_its_old_next_due_back(
    help_request: HelpRequest,
) -> None:
    stale = HelpRequest.objects.get(pk=help_request.pk)
    deadline(help_request, DeadlineKind.WMO_INVESTIGATION, DAY)

    stale.next_step = "Bellen"
    stale.save()

    assert next_due(help_request) == DAY
    assert HelpRequest.objects.get(pk=help_request.pk).next_step == "Bellen"
